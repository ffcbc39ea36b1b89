package cli_test

import (
	"testing"

	"github.com/slant-annotate/slant/store/storetest"
)

// The whole `slant agreement` command on a project (open, load every
// annotator's layers, match units, every metric with a 1,000-resample
// interval per task, the span layers, print JSON) on the team project:
// 10,000 documents finished by three annotators; budget 300 ms.
func BenchmarkAgreementProject10k(b *testing.B) {
	path := storetest.TeamProject(b)
	env := map[string]string{"SLANT_DB": path}
	b.ResetTimer()
	for b.Loop() {
		if _, errs, code := runSlant(b, env, "agreement", "--json"); code != 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(300, "budget-ms")
}

// The same without the span layers (--no-spans): labels only.
func BenchmarkAgreementProjectLabels10k(b *testing.B) {
	path := storetest.TeamProject(b)
	env := map[string]string{"SLANT_DB": path}
	b.ResetTimer()
	for b.Loop() {
		if _, errs, code := runSlant(b, env, "agreement", "--json", "--no-spans"); code != 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(300, "budget-ms")
}
