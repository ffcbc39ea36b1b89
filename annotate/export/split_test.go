package export

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseSplits(t *testing.T) {
	good := []struct {
		in   string
		want []Split
	}{
		{"train=0.8,dev=0.1,test=0.1", []Split{{"train", 0.8}, {"dev", 0.1}, {"test", 0.1}}},
		{" train = 0.7 ,\ttest=0.3 ", []Split{{"train", 0.7}, {"test", 0.3}}},
		{"all=1", []Split{{"all", 1}}},
		{"a_1=0.333333,b-2=0.333333,c3=0.333334", []Split{{"a_1", 0.333333}, {"b-2", 0.333333}, {"c3", 0.333334}}},
		{"train=0.8,dev=0.1,test=0.1000005", []Split{{"train", 0.8}, {"dev", 0.1}, {"test", 0.1000005}}}, // within 1e-6
		{"train=8e-1,test=.2", []Split{{"train", 0.8}, {"test", 0.2}}},
	}
	for _, c := range good {
		got, err := ParseSplits(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseSplits(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, want string }{
		{"", `no splits: expected e.g. "train=0.8,dev=0.1,test=0.1"`},
		{"  ", `no splits: expected e.g. "train=0.8,dev=0.1,test=0.1"`},
		{"train=0.8,,test=0.2", `splits "train=0.8,,test=0.2": an empty split (two commas in a row, or one at an end)`},
		{"train=1,", `splits "train=1,": an empty split (two commas in a row, or one at an end)`},
		{"train=0.8,dev", `split "dev": expected name=share, e.g. "train=0.8,dev=0.1,test=0.1"`},
		{"=0.5,b=0.5", `split "=0.5": the name is empty`},
		{"Train=1", `split "Train=1": the name may only hold a-z, 0-9, _ and -`},
		{"my split=1", `split "my split=1": the name may only hold a-z, 0-9, _ and -`},
		{"dév=1", `split "dév=1": the name may only hold a-z, 0-9, _ and -`},
		{"train=0.5, train=0.5", `split "train=0.5": the name "train" is used twice`},
		{"train=0.9,dev=abc", `split "dev=abc": the share is not a number`},
		{"train=0.9,dev=10%", `split "dev=10%": the share is not a number`},
		{"dev=nan", `split "dev=nan": the share is not a number`},
		{"train=1,dev=", `split "dev=": the share is missing`},
		{"train=inf", `split "train=inf": the share is not a finite number`},
		{"train=1,dev=0", `split "dev=0": the share must be more than 0`},
		{"train=1.1,dev=-0.1", `split "dev=-0.1": the share must be more than 0`},
		{"train=0.8,dev=0.1", `the shares sum to 0.9, not 1`},
		{"train=0.8,dev=0.1,test=0.101", `the shares sum to 1.001, not 1`},
		{"train=80,dev=10,test=10", `the shares sum to 100, not 1`},
	}
	for _, c := range bad {
		got, err := ParseSplits(c.in)
		if err == nil || err.Error() != c.want {
			t.Errorf("ParseSplits(%q) = %v, %v; want error %s", c.in, got, err, c.want)
		}
	}
}

const splitArticle = `Harbour city approves flood barrier after decade of delays

The city council voted on Tuesday to build a movable flood barrier across the mouth of the harbour, ending more than ten years of argument over how to protect the old town from rising tides.

The barrier, a row of steel gates that will lie on the seabed and rise when a storm surge is forecast, is expected to cost 1.4 billion euros and to take six years to complete. Construction will begin next spring, once the final environmental permits are granted by the regional authority.

"This is the most important decision this council has taken in a generation," the mayor told reporters after the vote, which passed by 31 votes to 12. "Every winter we watch the water come into the streets and every winter we promise to act. Today we have finally acted."

Opponents argued that the project was too expensive and that its benefits had been exaggerated. Several members said the money would be better spent on raising the quays and improving drainage in the lower districts, measures they said could be completed in half the time.

Fishermen who work from the harbour have also raised concerns. They fear that the gates, when closed, will trap boats inside during the very storms they are meant to keep out, and that years of construction will disturb the fish that breed near the harbour mouth.

Engineers working on the project said the gates would close for only a few hours at a time, usually at night, and that boats would be warned at least a day in advance. They added that similar barriers in other European ports had caused little harm to local fisheries.

Flooding in the old town has grown more frequent in recent years. Last November the water reached more than a metre above the pavement in the central square, forcing shops and restaurants to close for almost a week.`

// splitEdited is splitArticle as another outlet ran it: its own headline,
// a few words changed, other punctuation and case.
var splitEdited = strings.NewReplacer(
	"Harbour city approves flood barrier after decade of delays", "COUNCIL BACKS €1.4BN SEA GATES",
	"on Tuesday", "on Tuesday evening",
	"31 votes to 12", "31 to 12",
	"Fishermen who work", "Fishers who work",
	"almost a week", "nearly a week",
	`"`, "'",
).Replace(splitArticle)

const splitUnrelated = `Local bakery wins national bread award

A small family bakery on the edge of the market square has been named the best in the country by the national guild of bakers, beating more than four hundred entries. The owners, who took over the shop from their parents twelve years ago, said they still bake every loaf by hand and start work at three in the morning. Their winning sourdough is made with flour from a mill in the next valley and is left to rise for two days. Queues formed outside the shop on Saturday as customers came to try the prize loaf, and the bakery sold out before ten o'clock. The owners said they had no plans to expand.`

// splitShingleSet returns text's shingles as NearDuplicates sees them, for
// computing exact Jaccard similarities in tests.
func splitShingleSet(text string) map[uint64]bool {
	set := map[uint64]bool{}
	for _, s := range dupShinglesOf(dupWords(text, nil), nil) {
		set[s] = true
	}
	return set
}

func splitJaccard(a, b string) float64 {
	x, y := splitShingleSet(a), splitShingleSet(b)
	both := 0
	for s := range x {
		if y[s] {
			both++
		}
	}
	return float64(both) / float64(len(x)+len(y)-both)
}

// splitRewrite changes every nth word of text, as a heavier rewrite would.
func splitRewrite(text string, n int) string {
	words := strings.Fields(text)
	for i := n / 2; i < len(words); i += n {
		words[i] = "changed"
	}
	return strings.Join(words, " ")
}

func TestNearDuplicates(t *testing.T) {
	if w := len(strings.Fields(splitArticle)); w < 280 || w > 340 {
		t.Fatalf("the article has %d words, want about 300", w)
	}
	rewrite := splitRewrite(splitArticle, 8)
	t.Logf("exact Jaccard: edited %.3f, rewrite %.3f, unrelated %.3f",
		splitJaccard(splitArticle, splitEdited), splitJaccard(splitArticle, rewrite), splitJaccard(splitArticle, splitUnrelated))
	if j := splitJaccard(splitArticle, splitEdited); j < 0.8 || j > 0.95 {
		t.Fatalf("the edited copy's Jaccard similarity is %.3f: the test wants a light edit that is no copy", j)
	}
	if j := splitJaccard(splitArticle, rewrite); j > 0.5 {
		t.Fatalf("the rewrite's Jaccard similarity is %.3f: the test wants a heavy rewrite", j)
	}

	docs := []SplitDoc{
		{ID: 42, Text: splitArticle},
		{ID: 9, Text: splitUnrelated},
		{ID: 8, Text: "Markets rallied today."},
		{ID: 17, Text: splitEdited},
		{ID: 1, Text: ""},
		{ID: 30, Text: rewrite},
		{ID: 2, Text: " -- !! ... "},
		{ID: 5, Text: "MARKETS  rallied,\ntoday!"},                                  // the same three words
		{ID: 6, Text: "Markets rallied"},                                            // fewer words: another shingle
		{ID: 11, Text: "Markets rallied today. " + splitUnrelated},                  // 9's, not 8's
		{ID: 3, Text: strings.ToUpper(strings.ReplaceAll(splitArticle, ",", " ;"))}, // a reprint
	}
	want := [][]int64{{3, 17, 42}, {5, 8}, {9, 11}}
	got := NearDuplicates(docs)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("NearDuplicates = %v, want %v", got, want)
	}
	// The input's order does not matter.
	for seed := range uint64(5) {
		shuffled := slices.Clone(docs)
		rand.New(rand.NewPCG(seed, 1)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := NearDuplicates(shuffled); !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("shuffled %d: NearDuplicates = %v, want %v", seed, got, want)
		}
	}
	// Empty texts are nobody's duplicates, not even each other's.
	if got := NearDuplicates([]SplitDoc{{ID: 1}, {ID: 2, Text: "?"}, {ID: 3}}); got != nil {
		t.Errorf("empty texts: NearDuplicates = %v, want none", got)
	}
	if got := NearDuplicates(nil); got != nil {
		t.Errorf("no documents: NearDuplicates = %v, want none", got)
	}
}

// A chain of edits is one group, even where its ends are not alike.
func TestNearDuplicatesChain(t *testing.T) {
	words := strings.Fields(splitArticle)
	var docs []SplitDoc
	for i := range 6 {
		w := slices.Clone(words)
		for k := range i * 3 { // each link changes three more words
			w[10+k*15] = "edit"
		}
		docs = append(docs, SplitDoc{ID: int64(100 - i), Text: strings.Join(w, " ")})
	}
	if j := splitJaccard(docs[0].Text, docs[5].Text); j >= 0.8 {
		t.Fatalf("the chain's ends have Jaccard %.3f; want them unlike", j)
	}
	want := [][]int64{{95, 96, 97, 98, 99, 100}}
	if got := NearDuplicates(docs); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("NearDuplicates = %v, want %v", got, want)
	}
}

// Hundreds of copies of one story, each edited in its own place, are one
// group, though each is compared with only some of the others.
func TestNearDuplicatesManyCopies(t *testing.T) {
	words := strings.Fields(splitArticle)
	docs := []SplitDoc{{ID: 0, Text: splitUnrelated}}
	want := []int64{}
	for i := range 300 {
		w := slices.Clone(words)
		w[i%len(w)] = "edit"
		docs = append(docs, SplitDoc{ID: int64(1000 - i), Text: strings.Join(w, " ")})
		want = append(want, int64(701+i))
	}
	if got := NearDuplicates(docs); len(got) != 1 || !slices.Equal(got[0], want) {
		t.Errorf("NearDuplicates = %v, want one group of the 300 copies", got)
	}
}

// splitText is a synthetic text of n words from a vocabulary of 2,000.
func splitText(r *rand.Rand, n int) []string {
	w := make([]string, n)
	for i := range w {
		w[i] = fmt.Sprintf("w%d", r.IntN(2000))
	}
	return w
}

// The signatures estimate Jaccard similarity without bias, and the decision
// at 0.8 follows it.
func TestMinHashEstimatesJaccard(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var sumErr, bias, maxErr float64
	const pairs = 300
	for p := range pairs {
		a := splitText(r, 200)
		b := slices.Clone(a)
		for range p % 30 { // 0 to 29 words changed: Jaccard from 1 to about 0.3
			b[r.IntN(len(b))] = fmt.Sprintf("x%d", r.IntN(1000))
		}
		ta, tb := strings.Join(a, " "), strings.Join(b, " ")
		exact := splitJaccard(ta, tb)
		sa, sb := make([]uint32, dupHashes), make([]uint32, dupHashes)
		dupMinHash(dupShinglesOf(dupWords(ta, nil), nil), sa)
		dupMinHash(dupShinglesOf(dupWords(tb, nil), nil), sb)
		eq := 0
		for k := range sa {
			if sa[k] == sb[k] {
				eq++
			}
		}
		est := float64(eq) / dupHashes
		e := math.Abs(est - exact)
		sumErr += e
		bias += est - exact
		maxErr = max(maxErr, e)
		// Far from the threshold, the decision is the exact one.
		grouped := len(NearDuplicates([]SplitDoc{{ID: 1, Text: ta}, {ID: 2, Text: tb}})) == 1
		if exact >= 0.9 && !grouped || exact < 0.7 && grouped {
			t.Errorf("pair %d: exact Jaccard %.3f, estimate %.3f, grouped %v", p, exact, est, grouped)
		}
	}
	t.Logf("mean error %.4f, bias %+.4f, max %.4f", sumErr/pairs, bias/pairs, maxErr)
	// 128 independent hashes: a standard error of at most 0.044, so a mean
	// absolute error of about 0.03 and no bias.
	if sumErr/pairs > 0.04 || math.Abs(bias/pairs) > 0.01 || maxErr > 0.15 {
		t.Errorf("mean error %.4f, bias %+.4f, max %.4f: want at most 0.04, ±0.01 and 0.15", sumErr/pairs, bias/pairs, maxErr)
	}
}

var splitShares = []Split{{"train", 0.8}, {"dev", 0.1}, {"test", 0.1}}

// splitCorpus is 1,000 documents in three classes (50%, 30%, 20%), the
// last 100 of them 50 pairs of near-duplicates (one word apart) of the
// same class.
func splitCorpus() []SplitDoc {
	r := rand.New(rand.NewPCG(1, 2))
	class := func(i int) string {
		switch x := (i * 7919) % 10; {
		case x < 5:
			return "sentiment:positive"
		case x < 8:
			return "sentiment:negative"
		}
		return "sentiment:neutral"
	}
	var docs []SplitDoc
	for i := range 900 {
		docs = append(docs, SplitDoc{ID: int64(1000 + i), Text: strings.Join(splitText(r, 120), " "), Labels: []string{class(i)}})
	}
	for i := range 50 {
		w := splitText(r, 120)
		l := []string{class(900 + i)}
		docs = append(docs, SplitDoc{ID: int64(5000 + i), Text: strings.Join(w, " "), Labels: l})
		w[60] = "edited"
		docs = append(docs, SplitDoc{ID: int64(6000 + i), Text: strings.Join(w, " "), Labels: l})
	}
	return docs
}

func TestAssign(t *testing.T) {
	docs := splitCorpus()
	groups := NearDuplicates(docs)
	if len(groups) != 50 {
		t.Fatalf("%d near-duplicate groups, want the 50 pairs: %v", len(groups), groups)
	}
	for i, g := range groups {
		if want := []int64{int64(5000 + i), int64(6000 + i)}; !slices.Equal(g, want) {
			t.Fatalf("group %d is %v, want %v", i, g, want)
		}
	}

	a, err := Assign(docs, splitShares, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Groups != 50 {
		t.Errorf("Groups = %d, want 50", a.Groups)
	}
	if len(a.Of) != len(docs) {
		t.Fatalf("%d documents assigned, want %d", len(a.Of), len(docs))
	}
	for _, g := range groups {
		if a.Of[g[0]] != a.Of[g[1]] {
			t.Errorf("near-duplicates %d and %d split: %s and %s", g[0], g[1], a.Of[g[0]], a.Of[g[1]])
		}
	}
	// Docs and Counts are what Of says.
	docsIn := map[string]int{"train": 0, "dev": 0, "test": 0}
	counts := map[string]map[string]int{}
	overall := map[string]int{}
	for _, sp := range splitShares {
		counts[sp.Name] = map[string]int{"sentiment:positive": 0, "sentiment:negative": 0, "sentiment:neutral": 0}
	}
	for _, d := range docs {
		s, ok := a.Of[d.ID]
		if _, known := docsIn[s]; !ok || !known {
			t.Fatalf("document %d is in split %q", d.ID, s)
		}
		docsIn[s]++
		for _, l := range d.Labels {
			counts[s][l]++
			overall[l]++
		}
	}
	if !maps.Equal(a.Docs, docsIn) {
		t.Errorf("Docs = %v, want %v", a.Docs, docsIn)
	}
	if !maps.EqualFunc(a.Counts, counts, maps.Equal) {
		t.Errorf("Counts = %v, want %v", a.Counts, counts)
	}
	t.Logf("Docs %v, Counts %v", a.Docs, a.Counts)
	for _, sp := range splitShares {
		if got := float64(a.Docs[sp.Name]) / float64(len(docs)); math.Abs(got-sp.Share) > 0.02 {
			t.Errorf("%s holds %.3f of the documents, want %.2f ± 0.02", sp.Name, got, sp.Share)
		}
		for l, n := range overall {
			want := float64(n) / float64(len(docs))
			if got := float64(a.Counts[sp.Name][l]) / float64(a.Docs[sp.Name]); math.Abs(got-want) > 0.03 {
				t.Errorf("%s: %.3f of its documents are %s, want %.3f ± 0.03", sp.Name, got, l, want)
			}
		}
	}

	// The same seed, the documents in another order: the same split.
	shuffled := slices.Clone(docs)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, err := Assign(shuffled, splitShares, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(a.Of, b.Of) {
		t.Error("the same seed with the documents shuffled gave another split")
	}
	// Another seed: another split.
	c, err := Assign(docs, splitShares, 2)
	if err != nil {
		t.Fatal(err)
	}
	moved := 0
	for id, s := range a.Of {
		if c.Of[id] != s {
			moved++
		}
	}
	if moved < 100 {
		t.Errorf("seed 2 moved %d documents of seed 1's split, want many", moved)
	}
}

// A large group goes whole into one split, and the rest make up for it.
func TestAssignLargeGroups(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var docs []SplitDoc
	for g := range 4 {
		w := splitText(r, 100)
		for k := range 10 {
			w[k*9] = fmt.Sprintf("v%d", k) // each copy one word apart from the first
			docs = append(docs, SplitDoc{ID: int64(g*100 + k), Text: strings.Join(w, " ")})
		}
	}
	for i := range 160 {
		docs = append(docs, SplitDoc{ID: int64(1000 + i), Text: strings.Join(splitText(r, 100), " ")})
	}
	a, err := Assign(docs, splitShares, 9)
	if err != nil {
		t.Fatal(err)
	}
	if a.Groups != 4 {
		t.Fatalf("Groups = %d, want 4", a.Groups)
	}
	for g := range 4 {
		for k := range 10 {
			if a.Of[int64(g*100+k)] != a.Of[int64(g*100)] {
				t.Fatalf("group %d split", g)
			}
		}
	}
	for _, sp := range splitShares {
		if d := math.Abs(float64(a.Docs[sp.Name]) - sp.Share*200); d > 10 {
			t.Errorf("%s holds %d documents, want %.0f ± 10", sp.Name, a.Docs[sp.Name], sp.Share*200)
		}
	}
	if len(a.Counts["dev"]) != 0 {
		t.Errorf("no labels, yet Counts = %v", a.Counts)
	}
}

func TestAssignEdges(t *testing.T) {
	a, err := Assign(nil, splitShares, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := Assignment{Of: map[int64]string{}, Docs: map[string]int{"train": 0, "dev": 0, "test": 0},
		Counts: map[string]map[string]int{"train": {}, "dev": {}, "test": {}}}
	if !maps.Equal(a.Of, want.Of) || !maps.Equal(a.Docs, want.Docs) || !maps.EqualFunc(a.Counts, want.Counts, maps.Equal) || a.Groups != 0 {
		t.Errorf("no documents: %+v, want %+v", a, want)
	}

	// One document: the largest share takes it; the others are still
	// listed. A label given twice counts once; "" is no label.
	a, err = Assign([]SplitDoc{{ID: 4, Text: "alone", Labels: []string{"x:y", "", "x:y"}}}, splitShares, 1)
	if err != nil {
		t.Fatal(err)
	}
	if a.Of[4] != "train" || a.Docs["dev"] != 0 || a.Counts["train"]["x:y"] != 1 || a.Counts["test"]["x:y"] != 0 || len(a.Counts["test"]) != 1 {
		t.Errorf("one document: %+v", a)
	}

	for _, c := range []struct {
		splits []Split
		want   string
	}{
		{nil, `no splits: expected e.g. "train=0.8,dev=0.1,test=0.1"`},
		{[]Split{{"train", 0.8}, {"dev", 0.1}}, `the shares sum to 0.9, not 1`},
		{[]Split{{"train", 0.5}, {"train", 0.5}}, `split "train": the name "train" is used twice`},
		{[]Split{{"Train", 1}}, `split "Train": the name may only hold a-z, 0-9, _ and -`},
		{[]Split{{"a", 1.5}, {"b", -0.5}}, `split "b": the share must be more than 0`},
		{[]Split{{"a", math.NaN()}}, `split "a": the share is not a number`},
	} {
		if _, err := Assign(nil, c.splits, 1); err == nil || err.Error() != c.want {
			t.Errorf("Assign with %v: %v, want %s", c.splits, err, c.want)
		}
	}
	if _, err := Assign([]SplitDoc{{ID: 3}, {ID: 4}, {ID: 3}}, splitShares, 1); err == nil || err.Error() != "document 3 is given twice" {
		t.Errorf("a repeated id: %v", err)
	}
}

// BenchmarkNearDuplicates100k groups 100,000 synthetic articles of 400
// words (from a 20,000-word vocabulary, every 50th an edited copy of the
// one before), the size of a large project.
func BenchmarkNearDuplicates100k(b *testing.B) {
	const n, words = 100_000, 400
	vocab := make([]string, 20_000)
	r := rand.New(rand.NewPCG(11, 12))
	for i := range vocab {
		w := make([]byte, 2+r.IntN(8))
		for k := range w {
			w[k] = byte('a' + r.IntN(26))
		}
		vocab[i] = string(w)
	}
	docs := make([]SplitDoc, n)
	var sb strings.Builder
	var prev []int
	for i := range docs {
		if i%50 == 49 {
			prev[words/2] = r.IntN(len(vocab)) // an edited copy
		} else {
			prev = prev[:0]
			for range words {
				prev = append(prev, r.IntN(len(vocab)))
			}
		}
		sb.Reset()
		sb.Grow(words * 7)
		for k, w := range prev {
			if k > 0 {
				if k%17 == 0 {
					sb.WriteString(". ")
				} else {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString(vocab[w])
		}
		docs[i] = SplitDoc{ID: int64(i), Text: sb.String()}
	}
	var total time.Duration
	runs := 0
	for b.Loop() {
		start := time.Now()
		groups := NearDuplicates(docs)
		total += time.Since(start)
		runs++
		if len(groups) != n/50 {
			b.Fatalf("%d groups, want %d", len(groups), n/50)
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(runs), "measured-ms")
	b.ReportMetric(5000, "budget-ms")
}
