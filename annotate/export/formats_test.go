package export

import (
	"bytes"
	"strings"
	"testing"
)

// A record with an emoji before its spans: offsets are code points.
func sampleRecord() Record {
	text := "😀 Acme said: \"=sales are up\" today."
	return Record{DocID: 7, SHA256: "abc", Text: text, Source: "ana",
		Labels:   []Label{{Task: "document_sentiment", Value: "positive"}},
		Entities: []Entity{{Start: 2, End: 6, Label: "ORG", Text: "Acme", Target: "=Acme"}},
		Targets:  []Target{{Name: "=Acme", Label: "ORG", Mentions: [][2]int{{2, 6}}, Text: "Acme", Labels: []Label{{Task: "target_sentiment", Value: "neutral"}}}},
		Quotes: []Quote{{Start: 14, End: 28, Text: "=sales are up\"", Speaker: &[2]int{2, 6}, SpeakerText: "Acme",
			Labels: []Label{{Task: "quote_stance", Value: "favor", Towards: "=Acme"}}}},
	}
}

func encode(t *testing.T, format string, rs ...Record) string {
	t.Helper()
	var b bytes.Buffer
	enc, err := New(format, &b)
	if err != nil {
		t.Fatal(err)
	}
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

func TestDoccano(t *testing.T) {
	got := encode(t, "doccano", sampleRecord(), Record{DocID: 8, Text: "nothing"})
	want := `{"id":7,"sha256":"abc","source":"ana","text":"😀 Acme said: \"=sales are up\" today.","label":[[2,6,"ORG"],[2,6,"SPEAKER"],[14,28,"QUOTE"]],"cats":["document_sentiment:positive"]}
{"id":8,"sha256":"","source":"","text":"nothing","label":[],"cats":[]}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	got := encode(t, "csv", sampleRecord())
	for _, want := range []string{
		"doc_id,sha256,source,unit,task,target,start,end,text,value,towards\n",
		"7,abc,ana,document,document_sentiment,,,,,positive,\n",
		"7,abc,ana,target,target_sentiment,'=Acme,2,6,Acme,neutral,\n",
		"7,abc,ana,quote,quote_stance,,14,28,\"'=sales are up\"\"\",favor,'=Acme\n",
		"7,abc,ana,entity,,'=Acme,2,6,Acme,ORG,\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

func TestStance(t *testing.T) {
	got := encode(t, "stance", sampleRecord())
	want := `{"doc_id":7,"sha256":"abc","source":"ana","kind":"quote","task":"quote_stance","stance":"favor","target":"=Acme","text":"=sales are up\"","start":14,"end":28,"speaker":"Acme"}` + "\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("parquet", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "doccano, prodigy, targets, csv, stance") {
		t.Errorf("err %v", err)
	}
}
