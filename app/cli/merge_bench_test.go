package cli_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/slant-annotate/slant/store/storetest"
)

// BenchmarkMergeCommandIntoNew is `slant merge --db NEW.slant TEAM.slant`
// as a process of its own, NEW not existing yet: start-up, a new project
// made, the team project (10,000 documents finished by three annotators)
// merged into it in one transaction, and the project closed, which copies
// the write-ahead log into the file. Budget 5,000 ms (the store's
// BenchmarkMergeTeamIntoEmpty times the merge alone).
func BenchmarkMergeCommandIntoNew(b *testing.B) {
	team := storetest.TeamProject(b)
	dir := b.TempDir()
	var total time.Duration
	n := 0
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		slantProcess(b, "merge", "--db", filepath.Join(dir, fmt.Sprintf("new%d.slant", n)), team)
		total += time.Since(start)
		n++
	}
	b.ReportMetric(storetest.Ms(total/time.Duration(n)), "measured-ms")
	b.ReportMetric(5000, "budget-ms")
}
