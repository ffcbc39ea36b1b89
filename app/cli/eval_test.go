package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalMissingData(t *testing.T) {
	_, errs, code := tagRun(t, "eval", "--data", filepath.Join(t.TempDir(), "nowhere"))
	if code != 1 || !strings.Contains(errs, "no seed/gold.json") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestEvalSampleOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	out, errs, code := tagRun(t, "eval", "--split", "", "--no-baseline")
	if code == 1 && strings.Contains(errs, "not found") {
		t.Skip("shared/data not found: " + errs)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"seed: passes every item", "true", "NewsMTSC"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestEvalFullTable prints `slant eval` over every split with the raw prose
// baseline when SLANT_EVAL_FULL is set (it takes minutes).
func TestEvalFullTable(t *testing.T) {
	if os.Getenv("SLANT_EVAL_FULL") == "" {
		t.Skip("set SLANT_EVAL_FULL=1 to print the full evaluation table")
	}
	out, errs, code := tagRun(t, "eval")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	t.Log("\n" + out)
}
