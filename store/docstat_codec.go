package store

// The encoding of document stats: a compact binary row, its strings in a
// table at the start, and the review's units in a row of their own.

import (
	"encoding/binary"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/annotate/schema"
)

// encodeUnits writes the units of a document stat's items, as the review
// lists them, apart from the rest (agreement does not read them).
func encodeUnits(st review.DocStat) []byte {
	var b []byte
	num := func(v int64) { b = binary.AppendVarint(b, v) }
	raw := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, unitsFormat)
	b = binary.AppendUvarint(b, uint64(len(st.Units)))
	for _, it := range st.Units {
		raw(string(it.Scope))
		for j := 0; j <= len(st.IDs); j++ {
			r := ""
			if j < len(it.Refs) {
				r = it.Refs[j]
			}
			switch scope, id, ok := annotate.ParseUnit(r); {
			case r == "":
				b = append(b, unitNone)
			case ok && scope == "document":
				b = append(b, unitDoc)
			case ok && scope == "target" && annotate.TargetUnit(id) == r:
				b = append(b, unitTarget)
				num(id)
			case ok && scope == "quote" && annotate.QuoteUnit(id) == r:
				b = append(b, unitQuote)
				num(id)
			default:
				b = append(b, unitOther)
				raw(r)
			}
		}
		raw(it.Name)
		num(int64(it.Start))
		num(int64(it.End))
	}
	return b
}

// decodeUnits reads encodeUnits' bytes: the units of a stat of items
// items and k annotators.
func decodeUnits(d *digestReader, data []byte, items, k int) ([]review.StatUnit, error) {
	d.b, d.err = data, nil
	if d.uvarint() != unitsFormat || d.count() != items {
		return nil, errDigest
	}
	refs := make([]string, items*(k+1))
	units := make([]review.StatUnit, items)
	// The units' keys and names are cut from one string per document (a
	// project has hundreds of thousands); scopes, of which there are a
	// few, are interned.
	var buf []byte
	cuts := make([]int, 0, len(refs)+items)
	cut := func() { cuts = append(cuts, len(buf)) }
	for i := range units {
		it := &units[i]
		it.Scope = schema.Scope(d.str())
		it.Refs, refs = refs[:k+1:k+1], refs[k+1:]
		for range it.Refs {
			switch d.byte1() {
			case unitNone:
			case unitDoc:
				buf = append(buf, annotate.UnitDocument...)
			case unitTarget:
				buf = annotate.AppendTargetUnit(buf, d.varint())
			case unitQuote:
				buf = annotate.AppendQuoteUnit(buf, d.varint())
			default:
				n := d.uvarint()
				if uint64(len(d.b)) < n {
					return nil, errDigest
				}
				buf, d.b = append(buf, d.b[:n]...), d.b[n:]
			}
			cut()
		}
		n := d.uvarint()
		if uint64(len(d.b)) < n {
			return nil, errDigest
		}
		buf, d.b = append(buf, d.b[:n]...), d.b[n:]
		cut()
		it.Start, it.End = int(d.varint()), int(d.varint())
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errDigest
	}
	all, from := string(buf), 0
	next := func() string {
		s := all[from:cuts[0]]
		from, cuts = cuts[0], cuts[1:]
		return s
	}
	for i := range units {
		it := &units[i]
		for j := range it.Refs {
			it.Refs[j] = next()
		}
		it.Name = next()
	}
	return units, nil
}

// encodeDocStat writes a document stat but its units (see encodeUnits),
// its strings in a table at the start.
func encodeDocStat(st review.DocStat) []byte {
	table := map[string]int{}
	var strs []string
	var body []byte
	unum := func(v uint64) { body = binary.AppendUvarint(body, v) }
	num := func(v int64) { body = binary.AppendVarint(body, v) }
	ref := func(s string) {
		i, ok := table[s]
		if !ok {
			i = len(strs)
			table[s] = i
			strs = append(strs, s)
		}
		unum(uint64(i))
	}
	num(st.DocID)
	unum(uint64(len(st.IDs)))
	for _, id := range st.IDs {
		num(id)
	}
	unum(uint64(len(st.Items)))
	for _, it := range st.Items {
		ref(it.Task)
		for _, v := range it.Values {
			ref(v)
		}

		var flags byte
		for bit, on := range []bool{it.Towards != nil, it.TowardsDiffer, it.NotShared, it.Gold != ""} {
			if on {
				flags |= 1 << bit
			}
		}
		body = append(body, flags)
		for _, t := range it.Towards {
			num(int64(t))
		}
		if it.Gold != "" {
			ref(it.Gold)
			num(int64(it.GoldTowards))
		}
	}
	for layer := range st.Spans {
		unum(uint64(len(st.Spans[layer])))
		for _, p := range st.Spans[layer] {
			unum(uint64(p.A))
			unum(uint64(p.B))
			unum(uint64(len(p.Labels)))
			for _, t := range p.Labels {
				ref(t.Label)
				for _, n := range []int{t.A, t.B, t.ExactA, t.ExactB, t.OverlapA, t.OverlapB} {
					unum(uint64(n))
				}
			}
		}
		unum(uint64(len(st.Tokens[layer])))
		for _, tp := range st.Tokens[layer] {
			for _, l := range tp.Labels {
				ref(l)
			}
			unum(uint64(tp.N))
		}
	}
	for _, n := range []int{st.Speakers.MatchedQuotes, st.Speakers.Pairs, st.Speakers.Agreed, st.Speakers.Exact} {
		unum(uint64(n))
	}
	b := binary.AppendUvarint(nil, docStatFormat)
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return append(b, body...)
}

// statReader decodes document stats, interning their strings.
type statReader struct {
	digestReader
	tables map[string][]string // string tables seen, by their bytes
}

// decode reads a document stat (but its units); without spans, it skips
// the span layers.
func (d *statReader) decode(data []byte, spans bool) (review.DocStat, error) {
	if d.intern == nil {
		d.intern = map[string]string{}
	}
	d.b, d.err = data, nil
	var st review.DocStat
	if d.uvarint() != docStatFormat {
		return st, errDigest
	}
	// Documents share their few strings, usually in the same order: a
	// table seen before is looked up whole.
	start := d.b
	for count := d.count(); count > 0 && d.err == nil; count-- { // skip to its end
		size := d.uvarint()
		if size > uint64(len(d.b)) {
			return st, errDigest
		}
		d.b = d.b[size:]
	}
	if d.err != nil {
		return st, errDigest
	}
	raw := start[:len(start)-len(d.b)]
	if t, ok := d.tables[string(raw)]; ok {
		d.table = t
	} else {
		rest := d.b
		d.b = start
		table := make([]string, d.count())
		for i := range table {
			table[i] = d.str()
		}
		d.b = rest
		if d.tables == nil {
			d.tables = map[string][]string{}
		}
		d.tables[string(raw)] = table
		d.table = table
	}
	st.DocID = d.varint()
	st.IDs = make([]int64, d.count())
	for i := range st.IDs {
		st.IDs[i] = d.varint()
	}
	k := len(st.IDs)
	st.Items = make([]review.StatItem, d.count())
	values := make([]string, len(st.Items)*k) // one backing array for the stat
	var towards []int
	for i := range st.Items {
		it := &st.Items[i]
		it.Task = d.ref()
		it.Values, values = values[:k:k], values[k:]
		for j := range it.Values {
			it.Values[j] = d.ref()
		}

		flags := d.byte1()
		if flags&1 != 0 {
			if len(towards) < k {
				towards = make([]int, k*(len(st.Items)-i))
			}
			it.Towards, towards = towards[:k:k], towards[k:]
			for j := range it.Towards {
				it.Towards[j] = int(d.varint())
			}
		}
		it.TowardsDiffer = flags&2 != 0
		it.NotShared = flags&4 != 0
		it.GoldTowards = -1
		if flags&8 != 0 {
			it.Gold = d.ref()
			it.GoldTowards = int(d.varint())
		}
	}
	n := func() int { return int(d.uvarint()) }
	for layer := range st.Spans {
		pairs := d.count()
		if spans {
			st.Spans[layer] = make([]review.PairSpans, pairs)
		}
		for i := 0; i < pairs; i++ {
			var p review.PairSpans
			p.A, p.B = n(), n()
			if p.A >= k || p.B >= k {
				return review.DocStat{}, errDigest
			}
			tallies := d.count()
			if spans {
				p.Labels = make([]review.SpanTally, tallies)
			}
			for j := 0; j < tallies; j++ {
				t := review.SpanTally{Label: d.ref()}
				t.A, t.B, t.ExactA, t.ExactB, t.OverlapA, t.OverlapB = n(), n(), n(), n(), n(), n()
				if spans {
					p.Labels[j] = t
				}
			}
			if spans {
				st.Spans[layer][i] = p
			}
		}
		patterns := d.count()
		if !spans {
			for range patterns * (k + 1) {
				d.uvarint()
			}
			continue
		}
		st.Tokens[layer] = make([]review.TokenPattern, patterns)
		labels := make([]string, patterns*k) // one backing array
		for i := range st.Tokens[layer] {
			tp := &st.Tokens[layer][i]
			tp.Labels, labels = labels[:k:k], labels[k:]
			for j := range tp.Labels {
				tp.Labels[j] = d.ref()
			}
			tp.N = int(d.uvarint())
		}
	}
	st.Speakers.MatchedQuotes, st.Speakers.Pairs = int(d.uvarint()), int(d.uvarint())
	st.Speakers.Agreed, st.Speakers.Exact = int(d.uvarint()), int(d.uvarint())
	if d.err != nil || len(d.b) != 0 {
		return review.DocStat{}, errDigest
	}
	return st, nil
}
