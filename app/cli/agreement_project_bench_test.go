package cli_test

import (
	"testing"

	"github.com/slant-annotate/slant/store/storetest"
)

// The whole `slant agreement` command on a project, as a process of its
// own (start-up, open, every finished document's share of the report,
// every metric with a 1,000-resample interval per task, the span layers,
// JSON out) on the team project: 10,000 documents finished by three
// annotators; budget 300 ms.
func BenchmarkAgreementProject10k(b *testing.B) {
	path := storetest.TeamProject(b)
	b.ResetTimer()
	for b.Loop() {
		slantProcess(b, "agreement", "--db", path, "--json")
	}
	b.ReportMetric(300, "budget-ms")
}

// The same without the span layers (--no-spans): labels only.
func BenchmarkAgreementProjectLabels10k(b *testing.B) {
	path := storetest.TeamProject(b)
	b.ResetTimer()
	for b.Loop() {
		slantProcess(b, "agreement", "--db", path, "--json", "--no-spans")
	}
	b.ReportMetric(300, "budget-ms")
}
