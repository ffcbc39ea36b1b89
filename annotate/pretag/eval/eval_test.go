package eval

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/annotate/pretag"
)

func dataDir(t testing.TB) string {
	wd, _ := os.Getwd()
	d := FindData(wd)
	if d == "" {
		t.Skip("shared/data not found beside an ancestor of the working directory: skipping evaluation on real data")
	}
	return d
}

func TestSeedGold(t *testing.T) {
	d := dataDir(t)
	s, err := Seed(d, pretag.NewTagger())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range s.Problems() {
		t.Error(p)
	}
	if !s.Pass() {
		t.Fatal("sample article does not pass every item")
	}
}

func TestDump(t *testing.T) {
	if os.Getenv("EVALDUMP") == "" {
		t.Skip("set EVALDUMP=1 to print error examples")
	}
	d := dataDir(t)
	ctx := context.Background()
	tg := pretag.NewTagger()
	if strings.Contains(os.Getenv("EVALDUMP"), "q") {
		split := "train"
		if strings.Contains(os.Getenv("EVALDUMP"), "dev") {
			split = "dev"
		}
		q, err := PolNeAR(ctx, d, split, tg, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range q.Examples {
			t.Log(e)
		}
		t.Logf("recall %.3f precision %.3f speaker %.3f", q.Recall(), q.Precision(), q.Speaker())
	}
	if strings.Contains(os.Getenv("EVALDUMP"), "m") {
		m, err := NewsMTSC(ctx, d, tg, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range m.Examples {
			t.Log(e)
		}
		t.Logf("recall %.3f", m.Recall())
	}
}
