package export

import (
	"cmp"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Near-duplicate detection: shingled MinHash with LSH banding.
const (
	// dupShingle words make a shingle: long enough that unrelated texts
	// share few, short enough that an edited word spoils only five.
	dupShingle = 5
	// dupHashes is the signature's length; the Jaccard estimate's standard
	// error at 0.8 is sqrt(0.8·0.2/128) ≈ 0.035.
	dupHashes = 128
	// dupBands × dupRows = dupHashes. A pair is a candidate if one band of
	// 4 values agrees: probability 1-(1-J⁴)³² — 0.99999995 at J=0.8,
	// 0.9998 at J=0.7, 0.05 at J=0.2, 0.003 at J=0.1 — so pairs at the
	// threshold are (almost) never missed and unrelated ones rarely
	// compared.
	dupBands = 32
	dupRows  = dupHashes / dupBands
	// dupThreshold is the estimated Jaccard similarity (equal signature
	// values out of dupHashes) from which two texts are near-duplicates.
	dupThreshold = 0.8
	// dupWindow caps the comparisons in a band's bucket: a document is
	// compared with the dupWindow before it there, so that a thousand copies
	// of one text cost a thousand × dupWindow comparisons, not a million.
	// Copies chain through their neighbours, so their group is still whole.
	dupWindow = 64
)

// dupMinEqual is how many of the dupHashes values must agree.
var dupMinEqual = int(math.Ceil(dupThreshold * dupHashes))

// dupMuls derive the dupHashes hash functions from one well-mixed 64-bit
// hash of a shingle, x: the product x·mul_i (mod 2⁶⁴, mul_i odd) gives two,
// its high and its low 32 bits — the low half is the product of x's and
// mul_i's low halves, independent of the high half for a random x. Half a
// multiply per function keeps 100,000 documents within seconds; fixed
// constants keep the signatures, and so the groups, the same from run to
// run.
var dupMuls = func() (m [dupHashes / 2]uint64) {
	state := uint64(0x51a47) // any fixed value; changing it changes groups at the margin
	for i := range m {
		m[i] = dupSplitMix(&state) | 1
	}
	return m
}()

// dupSplitMix is SplitMix64: a fast, well-mixed sequence from a seed.
func dupSplitMix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return dupMix(*state)
}

// dupMix is SplitMix64's finaliser: every input bit flips about half the
// output bits.
func dupMix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// NearDuplicates groups documents whose texts are near-duplicates (the same
// wire story in several outlets, lightly edited): texts whose sets of
// 5-word shingles (lowercased words of letters and digits) have an
// estimated Jaccard similarity of at least 0.8. A text of fewer than five
// words is one shingle of all its words; a text without words is nobody's
// duplicate. Groups are the connected components of similar pairs, so a
// chain of edits is one group. It returns the groups of two or more, each
// sorted by id, in order of their first id.
func NearDuplicates(docs []SplitDoc) [][]int64 {
	n := len(docs)
	if n < 2 {
		return nil
	}
	// Work in id order, so that nothing depends on the input's order.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(docs[a].ID, docs[b].ID); c != 0 {
			return c
		}
		return strings.Compare(docs[a].Text, docs[b].Text)
	})

	sigs, empty := dupSignatures(docs, order)
	pairs := dupPairs(sigs, empty)

	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		a, b := find(p[0]), find(p[1])
		if a != b {
			// The smaller index as root: any rule would do, this one is
			// easy to reason about.
			if a > b {
				a, b = b, a
			}
			parent[b] = a
		}
	}
	// The root of a component is its smallest index (the smaller root
	// always wins), and rows are in id order: meeting members in row order
	// gives groups sorted within and in order of their first id.
	size := make([]int32, n)
	for i := range n {
		size[find(int32(i))]++
	}
	slot := make([]int32, n)
	var groups [][]int64
	for i := range n {
		r := find(int32(i))
		if size[r] < 2 {
			continue
		}
		if int32(i) == r {
			slot[r] = int32(len(groups))
			groups = append(groups, make([]int64, 0, size[r]))
		}
		groups[slot[r]] = append(groups[slot[r]], docs[order[i]].ID)
	}
	out := groups[:0]
	for _, g := range groups {
		g = slices.Compact(g) // a repeated id is one document
		if len(g) >= 2 {
			out = append(out, g)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// dupSignatures computes the MinHash signatures of docs[order[i]] into
// row i, on runtime.GOMAXPROCS(0) workers. Values are kept as 32 bits: two
// different minima agree by chance once in four billion, and 100,000
// signatures take 51 MB instead of 102.
func dupSignatures(docs []SplitDoc, order []int) (sigs []uint32, empty []bool) {
	n := len(order)
	sigs = make([]uint32, n*dupHashes)
	empty = make([]bool, n)
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)) {
		wg.Go(func() {
			var words, shingles []uint64
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					words = dupWords(docs[order[i]].Text, words[:0])
					shingles = dupShinglesOf(words, shingles[:0])
					if len(shingles) == 0 {
						empty[i] = true
						continue
					}
					dupMinHash(shingles, sigs[i*dupHashes:(i+1)*dupHashes])
				}
			}
		})
	}
	wg.Wait()
	return sigs, empty
}

// dupASCII maps an ASCII letter or digit to its lowercase, anything else
// to 0.
var dupASCII = func() (t [utf8.RuneSelf]byte) {
	for c := range byte(utf8.RuneSelf) {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			t[c] = c
		case 'A' <= c && c <= 'Z':
			t[c] = c + 'a' - 'A'
		}
	}
	return t
}()

// dupMul is an odd constant with well-spread bits, for multiplicative
// hashing.
const dupMul = 0x9fb21c651e98df25

// dupWords appends the hashes of text's words: maximal runs of letters and
// digits (and combining marks within them, so that a decomposed "café" is
// one word), lowercased. Punctuation and spacing are ignored, so a
// re-typeset copy of a story is the same words.
func dupWords(text string, words []uint64) []uint64 {
	// ASCII, most of most texts, is packed 8 bytes to a word of w before
	// it is multiplied into h: one multiply per byte, a chain of them, was
	// the slowest part of reading.
	var h, w uint64
	n, in := 0, false
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			i++
			if l := dupASCII[c]; l != 0 {
				if n == 8 {
					h, w, n = (h^w)*dupMul, 0, 0
				}
				w, n, in = w<<8|uint64(l), n+1, true
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if unicode.IsLetter(r) || unicode.IsDigit(r) || in && unicode.Is(unicode.M, r) {
				// Tagged above 2⁴⁰, where packed ASCII never reaches.
				h = ((h^w)*dupMul ^ (1<<40 | uint64(unicode.ToLower(r)))) * dupMul
				w, n, in = 0, 0, true
				continue
			}
		}
		if in {
			words = append(words, dupMix(h^w))
			h, w, n, in = 0, 0, 0, false
		}
	}
	if in {
		words = append(words, dupMix(h^w))
	}
	return words
}

// dupShinglesOf appends the hashes of the shingles of words: each run of
// dupShingle consecutive words, or all the words if there are fewer.
func dupShinglesOf(words, shingles []uint64) []uint64 {
	k := min(dupShingle, len(words))
	for i := 0; i+k <= len(words) && k > 0; i++ {
		// A polynomial in the word hashes (order matters), tagged with the
		// length so that a short text's one shingle is no 5-word shingle,
		// then mixed so that the hash functions see well-spread bits.
		h := uint64(k)
		for _, w := range words[i : i+k] {
			h = (h ^ w) * dupMul
		}
		shingles = append(shingles, dupMix(h))
	}
	return shingles
}

// dupMinHash writes the minimum of each hash function over shingles into
// sig.
func dupMinHash(shingles []uint64, sig []uint32) {
	sig = sig[:dupHashes]
	for i := 0; i < dupHashes; i += 4 {
		sig[i], sig[i+1], sig[i+2], sig[i+3] = dupMin2x2(shingles, dupMuls[i/2], dupMuls[i/2+1])
	}
}

// dupMin2x2 is dupMinHash's inner loop: the minima of the high and low
// halves of s·m0 and s·m1. Four independent chains keep the processor
// busy, and what they hold fits in registers; it is kept out of line
// because, inlined, the compiler spills them to the stack (half the speed).
//
//go:noinline
func dupMin2x2(shingles []uint64, m0, m1 uint64) (h0, l0, h1, l1 uint32) {
	a0, a1 := uint64(math.MaxUint64), uint64(math.MaxUint64)
	b0, b1 := uint32(math.MaxUint32), uint32(math.MaxUint32)
	for _, s := range shingles {
		p0, p1 := s*m0, s*m1
		a0 = min(a0, p0) // the minimum's high half is the high halves' minimum
		b0 = min(b0, uint32(p0))
		a1 = min(a1, p1)
		b1 = min(b1, uint32(p1))
	}
	return uint32(a0 >> 32), b0, uint32(a1 >> 32), b1
}

// dupPairs returns the pairs of rows whose signatures agree in at least
// dupMinEqual places, found through the bands on GOMAXPROCS workers. Each
// pair is compared in the first band where it agrees only, so a near-
// duplicate pair costs one full comparison, not 32.
func dupPairs(sigs []uint32, empty []bool) [][2]int32 {
	n := len(empty)
	// Entries are band hash (high bits) | row (low bits), so that one
	// integer sort buckets a band. Truncating the band hash only adds
	// chance candidates, which the comparison rejects.
	shift := uint(bits.Len(uint(n)))
	mask := uint64(1)<<shift - 1
	found := make([][][2]int32, dupBands)
	var next atomic.Int32
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), dupBands)) {
		wg.Go(func() {
			ent := make([]uint64, 0, n)
			for {
				b := int(next.Add(1)) - 1
				if b >= dupBands {
					return
				}
				ent = ent[:0]
				for i := range n {
					if empty[i] {
						continue
					}
					row := sigs[i*dupHashes+b*dupRows : i*dupHashes+(b+1)*dupRows]
					h := uint64(b + 1)
					for _, v := range row {
						h = (h ^ uint64(v)) * dupMul
					}
					ent = append(ent, dupMix(h)&^mask|uint64(i))
				}
				slices.Sort(ent)
				var out [][2]int32
				for lo := 0; lo < len(ent); {
					hi := lo + 1
					for hi < len(ent) && ent[hi]&^mask == ent[lo]&^mask {
						hi++
					}
					for q := lo + 1; q < hi; q++ {
						j := int(ent[q] & mask)
						for p := max(lo, q-dupWindow); p < q; p++ {
							i := int(ent[p] & mask)
							if dupSimilar(sigs, i, j, b) {
								out = append(out, [2]int32{int32(i), int32(j)})
							}
						}
					}
					lo = hi
				}
				found[b] = out
			}
		})
	}
	wg.Wait()
	var pairs [][2]int32
	for _, f := range found {
		pairs = append(pairs, f...)
	}
	return pairs
}

// dupSimilar reports whether rows i and j agree in band b and in no band
// before it (else that band compared them) and in at least dupMinEqual
// values.
func dupSimilar(sigs []uint32, i, j, b int) bool {
	si := sigs[i*dupHashes : (i+1)*dupHashes]
	sj := sigs[j*dupHashes : (j+1)*dupHashes]
	if !slices.Equal(si[b*dupRows:(b+1)*dupRows], sj[b*dupRows:(b+1)*dupRows]) {
		return false // a truncated band hash's chance collision
	}
	for e := range b {
		if slices.Equal(si[e*dupRows:(e+1)*dupRows], sj[e*dupRows:(e+1)*dupRows]) {
			return false
		}
	}
	miss := 0
	for k := range dupHashes {
		if si[k] != sj[k] {
			miss++
			if miss > dupHashes-dupMinEqual {
				return false
			}
		}
	}
	return true
}
