package pretag

import (
	"fmt"
	"os"
	"testing"
)

func TestExplore(t *testing.T) {
	p := os.Getenv("EXPLORE")
	if p == "" {
		t.Skip("set EXPLORE=file to dump a pre-tag")
	}
	b, _ := os.ReadFile(p)
	r := NewTagger().Tag(string(b))
	for _, e := range r.Entities {
		fmt.Printf("E %d %d %q %s %s -> %s\n", e.Start, e.End, e.Text, e.Label, e.Source, r.Targets[e.Target].Name)
	}
	for _, tg := range r.Targets {
		fmt.Printf("T %s %s %v\n", tg.Name, tg.Label, tg.Mentions)
	}
	for _, q := range r.Quotes {
		fmt.Printf("Q %d %d %q %+v\n", q.Start, q.End, q.Text, q.Speaker)
	}
}
