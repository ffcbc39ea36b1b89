package agree

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchData is units × coders reliability data with 3 ordered categories
// (1, 2, 3) and 10% missing values, seeded: each unit has a true category
// that a coder reports 75% of the time.
func benchData(units, coders int) *Reliability {
	rng := rand.New(rand.NewPCG(1, 2))
	r := &Reliability{Coders: make([]string, coders), Values: []float64{1, 2, 3}, Labels: []string{"1", "2", "3"}, Ordered: true}
	for c := range r.Coders {
		r.Coders[c] = fmt.Sprintf("coder%d", c+1)
	}
	r.Cells = make([]int32, 0, units*coders)
	for u := 0; u < units; u++ {
		truth := int32(rng.IntN(3))
		for c := 0; c < coders; c++ {
			if rng.Float64() < 0.1 {
				r.Cells = append(r.Cells, Missing)
				continue
			}
			v := truth
			if rng.Float64() < 0.25 {
				v = int32(rng.IntN(3))
			}
			r.Cells = append(r.Cells, v)
		}
	}
	return r
}

func benchAlpha(b *testing.B, level Level) {
	r := benchData(100_000, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Alpha(r, level); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10, "budget-ms")
}

// Krippendorff's alpha on 100,000 units × 5 coders; budget 10 ms.
func BenchmarkAlphaNominal100kx5(b *testing.B)  { benchAlpha(b, Nominal) }
func BenchmarkAlphaOrdinal100kx5(b *testing.B)  { benchAlpha(b, Ordinal) }
func BenchmarkAlphaInterval100kx5(b *testing.B) { benchAlpha(b, Interval) }
func BenchmarkAlphaRatio100kx5(b *testing.B)    { benchAlpha(b, Ratio) }

// 1,000 bootstrap resamples of alpha over 10,000 units × 5 coders; budget
// 1 s. Ordinal is the costliest level: its distances change with each
// resample's marginals.
func BenchmarkBootstrapOrdinal1000x10k(b *testing.B) {
	r := benchData(10_000, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := BootstrapAlpha(r, Ordinal, 1000, 42); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000, "budget-ms")
}

func BenchmarkBootstrapNominal1000x10k(b *testing.B) {
	r := benchData(10_000, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := BootstrapAlpha(r, Nominal, 1000, 42); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000, "budget-ms")
}

// Every metric (alpha, percent agreement, Fleiss, the 10 coder pairs'
// kappas) on 100,000 units × 5 coders; no budget of its own.
func BenchmarkSummarize100kx5(b *testing.B) {
	r := benchData(100_000, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Summarize(r, Options{Level: Ordinal}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCSV renders benchData as CSV, with the unit ids in increasing order
// or shuffled.
func benchCSV(shuffle bool) []byte {
	r := benchData(100_000, 5)
	ids := make([]int, r.NumUnits())
	for i := range ids {
		ids[i] = i
	}
	if shuffle {
		rand.New(rand.NewPCG(5, 5)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
	var sb strings.Builder
	sb.WriteString("unit," + strings.Join(r.Coders, ",") + "\n")
	for u := 0; u < r.NumUnits(); u++ {
		fmt.Fprintf(&sb, "u%d", ids[u])
		for _, c := range r.Row(u) {
			sb.WriteByte(',')
			if c != Missing {
				sb.WriteString(r.Labels[c])
			}
		}
		sb.WriteByte('\n')
	}
	return []byte(sb.String())
}

func benchParse(b *testing.B, shuffle bool) {
	data := benchCSV(shuffle)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseMatrix("bench.csv", data, MatrixOptions{Level: Ordinal}); err != nil {
			b.Fatal(err)
		}
	}
}

// Reading a 100,000 × 5 CSV matrix (1.6 MB); no budget of its own (part of
// the command's 50 ms). Unit ids in increasing order need no hash lookups;
// shuffled ids do.
func BenchmarkParseMatrix100kx5(b *testing.B)         { benchParse(b, false) }
func BenchmarkParseMatrixShuffled100kx5(b *testing.B) { benchParse(b, true) }
