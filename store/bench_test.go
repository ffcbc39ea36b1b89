package store_test

// Budgets of issue 2 for the storage layer, on a generated project of
// 100,000 news-like documents (storetest.Project, cached under os.TempDir()):
// opening it and reading the first page of the list as the GUI does, and
// filtering it by words as typed.

import (
	"context"
	"testing"

	"github.com/slant-annotate/slant/store/storetest"
)

const benchBigProject = 100000

// BenchmarkOpenFirstPage100k is the GUI's start on a 100k-document project:
// open for writing, count the documents, read the first page of 100 rows.
// Budget 300 ms. Closing is not timed.
func BenchmarkOpenFirstPage100k(b *testing.B) {
	path := storetest.Project(b, benchBigProject)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		db := storetest.OpenRW(b, ctx, path)
		n, err := db.CountDocuments(ctx, "")
		if err != nil || n != benchBigProject {
			b.Fatalf("count %d, %v", n, err)
		}
		rows, err := db.ListDocuments(ctx, "", 0, 100)
		if err != nil || len(rows) != 100 {
			b.Fatalf("first page: %d rows, %v", len(rows), err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(300, "budget-ms") // after ResetTimer, which clears metrics
}

// BenchmarkFilter100k is one keystroke in the GUI's filter box on a
// 100k-document project: count the matches and read their first page, the
// text passed as typed (the last word is a prefix). Budget 200 ms each.
func BenchmarkFilter100k(b *testing.B) {
	path := storetest.Project(b, benchBigProject)
	ctx := context.Background()
	db := storetest.OpenRW(b, ctx, path)
	defer db.Close()
	for _, c := range []struct{ name, filter string }{
		{"rare", storetest.RareWord + " "},     // a word in 10 documents, typed in full
		{"common", storetest.CommonWord + " "}, // a word in every document, typed in full
		{"typed-p", "p"},                       // typing "president", keystroke by keystroke
		{"typed-pr", "pr"},
		{"typed-pre", "pre"},
		{"typed-president", "president"},
		{"typed-trade_p", "trade p"}, // a second word begun
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportMetric(200, "budget-ms")
			matches := 0
			for range b.N {
				n, err := db.CountDocuments(ctx, c.filter)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := db.ListDocuments(ctx, c.filter, 0, 100)
				if err != nil || len(rows) != min(n, 100) {
					b.Fatalf("%d rows of %d matches, %v", len(rows), n, err)
				}
				matches = n
			}
			b.ReportMetric(float64(matches), "matches")
		})
	}
}

// BenchmarkListLastPage100k reads the last page of the unfiltered list, as
// the GUI does when scrolled to the end (no budget of its own: it bounds how
// smoothly a long list scrolls).
func BenchmarkListLastPage100k(b *testing.B) {
	path := storetest.Project(b, benchBigProject)
	ctx := context.Background()
	db := storetest.OpenRW(b, ctx, path)
	defer db.Close()
	b.ResetTimer()
	for range b.N {
		rows, err := db.ListDocuments(ctx, "", benchBigProject-100, 100)
		if err != nil || len(rows) != 100 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}
