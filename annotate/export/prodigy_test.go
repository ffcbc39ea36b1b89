package export

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// prodigyRecord begins with an emoji, so offsets are code points: a byte or
// UTF-16 offset would be off by 3 or 1 after it.
func prodigyRecord() Record {
	text := "😀 Acme Corp said: “Sales are up,” and Walmart-owned stores agreed."
	return Record{DocID: 7, SHA256: "abc", Text: text, Source: "ana",
		Labels: []Label{{Task: "document_sentiment", Value: "positive"},
			{Task: "document_stance", Value: "favor", Towards: "Acme Corp"}},
		Entities: []Entity{{Start: 2, End: 11, Label: "ORG", Text: "Acme Corp", Target: "Acme Corp"},
			{Start: 38, End: 45, Label: "ORG", Text: "Walmart", Target: "Walmart"}},
		Quotes: []Quote{{Start: 18, End: 33, Text: "“Sales are up,”", Speaker: &[2]int{2, 11}, SpeakerText: "Acme Corp"}},
	}
}

func encodeProdigy(t *testing.T, rs ...Record) string {
	t.Helper()
	var b bytes.Buffer
	enc := newProdigy(bufio.NewWriter(&b))
	for _, r := range rs {
		if err := enc.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		lines = append(lines, m)
	}
	return lines
}

// tokenString is the tokens as text[start,end] with a trailing _ for ws.
func tokenString(ts []prodigyToken) string {
	var b strings.Builder
	for i, tk := range ts {
		if tk.ID != i {
			fmt.Fprintf(&b, "(id %d)", tk.ID)
		}
		fmt.Fprintf(&b, "%q[%d,%d]", tk.Text, tk.Start, tk.End)
		if tk.WS {
			b.WriteString("_")
		}
		b.WriteString(" ")
	}
	return b.String()
}

func TestProdigyTokensShort(t *testing.T) {
	text := "😀 Don't  stop—it's 3.5%\nnow!"
	got := tokenString(prodigyTokenize([]rune(text), make([]uint8, len([]rune(text))+1)))
	want := `"😀"[0,1]_ "Don't"[2,7]_ " "[8,9] "stop"[9,13] "—"[13,14] "it's"[14,18]_ "3.5"[19,22] "%"[22,23] "\n"[23,24] "now"[24,27] "!"[27,28] `
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestProdigyLines(t *testing.T) {
	got := encodeProdigy(t, prodigyRecord())
	want := `{"text":"😀 Acme Corp said: “Sales are up,” and Walmart-owned stores agreed.","tokens":[` +
		`{"text":"😀","start":0,"end":1,"id":0,"ws":true},{"text":"Acme","start":2,"end":6,"id":1,"ws":true},` +
		`{"text":"Corp","start":7,"end":11,"id":2,"ws":true},{"text":"said","start":12,"end":16,"id":3,"ws":false},` +
		`{"text":":","start":16,"end":17,"id":4,"ws":true},{"text":"“","start":18,"end":19,"id":5,"ws":false},` +
		`{"text":"Sales","start":19,"end":24,"id":6,"ws":true},{"text":"are","start":25,"end":28,"id":7,"ws":true},` +
		`{"text":"up","start":29,"end":31,"id":8,"ws":false},{"text":",","start":31,"end":32,"id":9,"ws":false},` +
		`{"text":"”","start":32,"end":33,"id":10,"ws":true},{"text":"and","start":34,"end":37,"id":11,"ws":true},` +
		`{"text":"Walmart","start":38,"end":45,"id":12,"ws":false},{"text":"-","start":45,"end":46,"id":13,"ws":false},` +
		`{"text":"owned","start":46,"end":51,"id":14,"ws":true},{"text":"stores","start":52,"end":58,"id":15,"ws":true},` +
		`{"text":"agreed","start":59,"end":65,"id":16,"ws":false},{"text":".","start":65,"end":66,"id":17,"ws":false}],` +
		`"spans":[{"start":2,"end":11,"token_start":1,"token_end":2,"label":"ORG"},` +
		`{"start":2,"end":11,"token_start":1,"token_end":2,"label":"SPEAKER"},` +
		`{"start":18,"end":33,"token_start":5,"token_end":10,"label":"QUOTE"},` +
		`{"start":38,"end":45,"token_start":12,"token_end":12,"label":"ORG"}],` +
		`"relations":[{"head":10,"child":2,"head_span":{"start":18,"end":33,"token_start":5,"token_end":10,"label":"QUOTE"},` +
		`"child_span":{"start":2,"end":11,"token_start":1,"token_end":2,"label":"SPEAKER"},"label":"SPOKEN_BY"}],` +
		`"answer":"accept","_input_hash":510764364,"_task_hash":-710588988,"_annotator_id":"ana","_view_id":"spans_manual",` +
		`"meta":{"doc_id":7,"sha256":"abc","source":"ana","task":"","towards":""}}
{"text":"😀 Acme Corp said: “Sales are up,” and Walmart-owned stores agreed.","options":[{"id":"positive","text":"positive"}],` +
		`"accept":["positive"],"answer":"accept","_input_hash":510764364,"_task_hash":1300955220,"_annotator_id":"ana",` +
		`"_view_id":"choice","meta":{"doc_id":7,"sha256":"abc","source":"ana","task":"document_sentiment","towards":""}}
{"text":"😀 Acme Corp said: “Sales are up,” and Walmart-owned stores agreed.","options":[{"id":"favor","text":"favor"}],` +
		`"accept":["favor"],"answer":"accept","_input_hash":510764364,"_task_hash":-1396610791,"_annotator_id":"ana",` +
		`"_view_id":"choice","meta":{"doc_id":7,"sha256":"abc","source":"ana","task":"document_stance","towards":"Acme Corp"}}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// checkSpans checks, on a decoded span task, that each span starts at its
// token_start's start and ends at its token_end's end, that the text in
// code points is texts[label], and that relations point at the last token
// of spans of the task.
func checkSpans(t *testing.T, task map[string]any, texts map[string][]string) {
	t.Helper()
	rs := []rune(task["text"].(string))
	tokens := task["tokens"].([]any)
	tok := func(i float64, key string) int { return int(tokens[int(i)].(map[string]any)[key].(float64)) }
	seen := map[string][]string{}
	spans := map[string]bool{}
	for _, s := range task["spans"].([]any) {
		sp := s.(map[string]any)
		start, end := int(sp["start"].(float64)), int(sp["end"].(float64))
		if tok(sp["token_start"].(float64), "start") != start || tok(sp["token_end"].(float64), "end") != end {
			t.Errorf("span %v not on its tokens %v, %v", sp, tokens[int(sp["token_start"].(float64))], tokens[int(sp["token_end"].(float64))])
		}
		label := sp["label"].(string)
		seen[label] = append(seen[label], string(rs[start:end]))
		b, _ := json.Marshal(sp)
		spans[string(b)] = true
	}
	if !reflect.DeepEqual(seen, texts) {
		t.Errorf("span texts %q, want %q", seen, texts)
	}
	for _, r := range task["relations"].([]any) {
		rel := r.(map[string]any)
		h, c := rel["head_span"].(map[string]any), rel["child_span"].(map[string]any)
		if rel["head"] != h["token_end"] || rel["child"] != c["token_end"] || h["label"] != "QUOTE" || c["label"] != "SPEAKER" || rel["label"] != "SPOKEN_BY" {
			t.Errorf("relation %v", rel)
		}
		for _, s := range []any{h, c} {
			if b, _ := json.Marshal(s); !spans[string(b)] {
				t.Errorf("relation's span %s not among the spans", b)
			}
		}
	}
}

func TestProdigySpansOnTokens(t *testing.T) {
	lines := decodeLines(t, encodeProdigy(t, prodigyRecord()))
	checkSpans(t, lines[0], map[string][]string{"ORG": {"Acme Corp", "Walmart"}, "SPEAKER": {"Acme Corp"}, "QUOTE": {"“Sales are up,”"}})
	rels := lines[0]["relations"].([]any)
	if len(rels) != 1 || rels[0].(map[string]any)["head"] != 10.0 || rels[0].(map[string]any)["child"] != 2.0 {
		t.Errorf("relations %v", rels)
	}
}

// A span boundary inside a word splits it; without the span it is one
// token.
func TestProdigySplitsInsideWord(t *testing.T) {
	text := "😀 Walmart-owned stores"
	r := Record{Text: text, Entities: []Entity{{Start: 2, End: 9, Label: "ORG", Text: "Walmart"}}}
	lines := decodeLines(t, encodeProdigy(t, r, Record{Text: text}))
	words := func(task map[string]any) (ws []string) {
		for _, tk := range task["tokens"].([]any) {
			ws = append(ws, tk.(map[string]any)["text"].(string))
		}
		return ws
	}
	if got, want := words(lines[0]), []string{"😀", "Walmart", "-", "owned", "stores"}; !reflect.DeepEqual(got, want) {
		t.Errorf("with the entity: %q, want %q", got, want)
	}
	if got, want := words(lines[1]), []string{"😀", "Walmart-owned", "stores"}; !reflect.DeepEqual(got, want) {
		t.Errorf("without: %q, want %q", got, want)
	}
	checkSpans(t, lines[0], map[string][]string{"ORG": {"Walmart"}})
}

func TestProdigyEmptyRecord(t *testing.T) {
	got := encodeProdigy(t, Record{DocID: 8, Text: ""}, Record{DocID: 9, Text: "nothing"})
	want := `{"text":"","tokens":[],"spans":[],"relations":[],"answer":"accept","_input_hash":-474954686,"_task_hash":-183617478,"_annotator_id":"","_view_id":"spans_manual","meta":{"doc_id":8,"sha256":"","source":"","task":"","towards":""}}
{"text":"nothing","tokens":[{"text":"nothing","start":0,"end":7,"id":0,"ws":false}],"spans":[],"relations":[],"answer":"accept","_input_hash":394645443,"_task_hash":15572896,"_annotator_id":"","_view_id":"spans_manual","meta":{"doc_id":9,"sha256":"","source":"","task":"","towards":""}}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// kinds records the reflect kind of every value under path, array elements
// under path[], and reports a path seen with two kinds (null is any kind).
func kinds(t *testing.T, seen map[string]reflect.Kind, path string, v any) {
	t.Helper()
	if v == nil {
		return
	}
	k := reflect.TypeOf(v).Kind()
	if old, ok := seen[path]; ok && old != k {
		t.Errorf("%s is a %v and a %v", path, old, k)
	}
	seen[path] = k
	switch v := v.(type) {
	case map[string]any:
		for key, x := range v {
			kinds(t, seen, path+"."+key, x)
		}
	case []any:
		for _, x := range v {
			kinds(t, seen, path+"[]", x)
		}
	}
}

func TestProdigyOneTypePerKey(t *testing.T) {
	lines := decodeLines(t, encodeProdigy(t, prodigyRecord(), Record{DocID: 8, Text: ""},
		Record{DocID: 9, Text: "a b", Labels: []Label{{Task: "t", Value: "v"}}}))
	if len(lines) != 6 {
		t.Fatalf("%d lines", len(lines))
	}
	seen := map[string]reflect.Kind{}
	for _, l := range lines {
		kinds(t, seen, "", l)
	}
	for path, k := range map[string]reflect.Kind{".meta": reflect.Map, ".meta.doc_id": reflect.Float64, ".meta.task": reflect.String,
		".tokens": reflect.Slice, ".spans": reflect.Slice, ".relations": reflect.Slice, ".relations[].head_span.token_end": reflect.Float64,
		"._input_hash": reflect.Float64, "._task_hash": reflect.Float64, ".options[].id": reflect.String, ".accept[]": reflect.String} {
		if seen[path] != k {
			t.Errorf("%s: %v, want %v", path, seen[path], k)
		}
	}
	// The same text has the same input hash; every task its own task hash.
	hashes := map[float64]bool{}
	for i, l := range lines {
		if i < 3 && l["_input_hash"] != lines[0]["_input_hash"] {
			t.Errorf("line %d: input hash %v, want %v", i, l["_input_hash"], lines[0]["_input_hash"])
		}
		hashes[l["_task_hash"].(float64)] = true
	}
	if len(hashes) != len(lines) {
		t.Errorf("task hashes not distinct: %v", hashes)
	}
}

// Spans anywhere, in whitespace too, always fall on token boundaries, and
// the tokens with their ws give back the text, as spaCy's Doc(words,
// spaces) does.
func TestProdigyTokenBoundaries(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"😀 Acme Corp said: “Sales are up,” and  Walmart-owned\n\nstores 👍🏽 agreed.", "  lead and trail  ",
		"don't U.S. 3.5% e\u0301t\u00e9 👨\u200d👩\u200d👧 x", "a \t b", "日本語のテキスト。", " "}
	for _, text := range texts {
		rs := []rune(text)
		for range 200 {
			var r Record
			r.Text = text
			for range rng.IntN(4) {
				s := rng.IntN(len(rs))
				e := s + 1 + rng.IntN(len(rs)-s)
				r.Entities = append(r.Entities, Entity{Start: s, End: e, Label: "X", Text: string(rs[s:e])})
			}
			lines := decodeLines(t, encodeProdigy(t, r))
			slices.SortStableFunc(r.Entities, func(a, b Entity) int { return cmp.Or(a.Start-b.Start, a.End-b.End) })
			r.Entities = slices.CompactFunc(r.Entities, func(a, b Entity) bool { return a.Start == b.Start && a.End == b.End })
			want := map[string][]string{}
			for _, e := range r.Entities {
				want["X"] = append(want["X"], e.Text)
			}
			checkSpans(t, lines[0], want)
			var b strings.Builder
			for i, x := range lines[0]["tokens"].([]any) {
				tk := x.(map[string]any)
				start, end := int(tk["start"].(float64)), int(tk["end"].(float64))
				if len([]rune(b.String())) != start || start >= end || tk["text"] != string(rs[start:end]) || tk["id"] != float64(i) {
					t.Fatalf("%q: bad token %v after %q", text, tk, b.String())
				}
				b.WriteString(tk["text"].(string))
				if tk["ws"] == true {
					b.WriteString(" ")
				}
			}
			if b.String() != text {
				t.Fatalf("%q: tokens give back %q", text, b.String())
			}
		}
	}
}
