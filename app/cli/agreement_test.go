package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/slant-annotate/slant/app/cli"
)

func runAgree(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = cli.Run(env, append([]string{"agreement"}, args...))
	return out.String(), errb.String(), code
}

func agreeWriteCSV(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Krippendorff (2011), section C: 4 coders, 12 units, missing values.
const agreeK2011 = `unit,A,B,C,D
1,1,1,,1
2,2,2,3,2
3,3,3,3,3
4,3,3,3,3
5,2,2,2,2
6,1,2,3,4
7,4,4,4,4
8,1,1,2,1
9,2,2,2,2
10,,5,5,5
11,,,1,1
12,,3,,
`

func agreeDecode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, s)
	}
	return m
}

func agreeKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func agreeNear(t *testing.T, m map[string]any, key string, want float64) {
	t.Helper()
	got, ok := m[key].(float64)
	if !ok || math.Abs(got-want) > 1e-4 {
		t.Errorf("%s = %v, want %.4f", key, m[key], want)
	}
}

func TestAgreementKrippendorff2011JSON(t *testing.T) {
	p := agreeWriteCSV(t, "agreeK2011.csv", agreeK2011)
	for level, want := range map[string]float64{"nominal": 0.7434210526, "ordinal": 0.8153875038, "interval": 0.8491071429, "ratio": 0.7974027747} {
		out, errs, code := runAgree(t, "--matrix", p, "--level", level, "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", level, code, errs)
		}
		m := agreeDecode(t, out)
		wantKeys := []string{"alpha_ci95", "coders", "fleiss_kappa", "krippendorff_alpha", "pairable_units", "percent_agreement", "units"}
		if got := agreeKeys(m); !reflect.DeepEqual(got, wantKeys) {
			t.Fatalf("keys %v, want %v", got, wantKeys)
		}
		agreeNear(t, m, "krippendorff_alpha", want)
		if m["units"] != 12.0 || m["coders"] != 4.0 || m["pairable_units"] != 11.0 {
			t.Errorf("counts: %v", m)
		}
		if m["fleiss_kappa"] != nil || m["alpha_ci95"] != nil {
			t.Errorf("fleiss (incomplete data) and CI (no bootstrap) should be null: %v", m)
		}
	}
}

// Cohen's kappa, Wikipedia's 50 proposals: 20 yes/yes, 5 yes/no, 10 no/yes,
// 15 no/no; kappa 0.4. Labels, so weighted kappa is not applicable.
func agreeProposals() string {
	var b strings.Builder
	b.WriteString("proposal,A,B\n")
	n := 0
	add := func(k int, a, c string) {
		for i := 0; i < k; i++ {
			n++
			fmt.Fprintf(&b, "p%d,%s,%s\n", n, a, c)
		}
	}
	add(20, "yes", "yes")
	add(5, "yes", "no")
	add(10, "no", "yes")
	add(15, "no", "no")
	return b.String()
}

func TestAgreementTwoCodersJSON(t *testing.T) {
	p := agreeWriteCSV(t, "p.csv", agreeProposals())
	out, errs, code := runAgree(t, "--matrix", p, "--level", "nominal", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := agreeDecode(t, out)
	wantKeys := []string{"alpha_ci95", "coders", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "pairable_units", "percent_agreement", "scott_pi", "units", "weighted_kappa_linear", "weighted_kappa_quadratic"}
	if got := agreeKeys(m); !reflect.DeepEqual(got, wantKeys) {
		t.Fatalf("keys %v, want %v", got, wantKeys)
	}
	agreeNear(t, m, "cohen_kappa", 0.4)
	agreeNear(t, m, "percent_agreement", 0.7)
	// pi: pooled yes 55/100, no 45/100: pe = .505, pi = (.7-.505)/.495
	agreeNear(t, m, "scott_pi", (0.7-0.505)/0.495)
	agreeNear(t, m, "fleiss_kappa", (0.7-0.505)/0.495) // Fleiss with two coders is Scott's pi
	if m["weighted_kappa_linear"] != nil || m["weighted_kappa_quadratic"] != nil {
		t.Errorf("weighted kappa over unordered labels should be null: %v", m)
	}
	// Ordered by --categories: weighted kappa with two categories is kappa.
	out, _, code = runAgree(t, "--matrix", p, "--level", "ordinal", "--categories", "no,yes", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	m = agreeDecode(t, out)
	agreeNear(t, m, "weighted_kappa_linear", 0.4)
	agreeNear(t, m, "weighted_kappa_quadratic", 0.4)
}

// Unused declared categories count in weighted kappa (SAS Table 10 idea):
// the JSON keys must keep key order as documented, too.
func TestAgreementJSONKeyOrder(t *testing.T) {
	p := agreeWriteCSV(t, "w.csv", "u,a,b\n1,2,2\n2,2,3\n3,3,3\n4,2,2\n")
	out, _, code := runAgree(t, "--matrix", p, "--level", "ordinal", "--categories", "1,2,3", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	order := []string{"units", "coders", "pairable_units", "krippendorff_alpha", "alpha_ci95", "percent_agreement", "fleiss_kappa", "cohen_kappa", "scott_pi", "weighted_kappa_linear", "weighted_kappa_quadratic"}
	last := -1
	for _, k := range order {
		i := strings.Index(out, `"`+k+`"`)
		if i < last {
			t.Fatalf("key %s out of order in %s", k, out)
		}
		last = i
	}
	// By hand: A marginals (0,3/4,1/4), B (0,1/2,1/2); po 3/4, pe 1/2: kappa 1/2.
	// linear: observed mean |i-j| 1/4; expected 3/4*1/2 + 1/4*1/2 = 1/2 -> 1/2.
	m := agreeDecode(t, out)
	agreeNear(t, m, "weighted_kappa_linear", 0.5)
	agreeNear(t, m, "cohen_kappa", 0.5)
}

func TestAgreementBootstrapSeeded(t *testing.T) {
	var b strings.Builder
	b.WriteString("u,c1,c2,c3\n")
	rng := rand.New(rand.NewPCG(7, 7))
	for u := 0; u < 300; u++ {
		truth := rng.IntN(4)
		fmt.Fprintf(&b, "u%d", u)
		for c := 0; c < 3; c++ {
			v := truth
			if rng.Float64() < 0.3 {
				v = rng.IntN(4)
			}
			if rng.Float64() < 0.1 {
				b.WriteString(",")
				continue
			}
			fmt.Fprintf(&b, ",%d", v)
		}
		b.WriteString("\n")
	}
	p := agreeWriteCSV(t, "b.csv", b.String())
	run := func(seed string) []any {
		out, errs, code := runAgree(t, "--matrix", p, "--level", "interval", "--bootstrap", "500", "--seed", seed, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		m := agreeDecode(t, out)
		ci, ok := m["alpha_ci95"].([]any)
		if !ok || len(ci) != 2 {
			t.Fatalf("alpha_ci95 = %v", m["alpha_ci95"])
		}
		a := m["krippendorff_alpha"].(float64)
		if !(ci[0].(float64) < a && a < ci[1].(float64)) {
			t.Errorf("alpha %v outside its interval %v", a, ci)
		}
		return ci
	}
	a, b2, c := run("42"), run("42"), run("43")
	if !reflect.DeepEqual(a, b2) {
		t.Errorf("same seed, different intervals: %v %v", a, b2)
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("different seeds gave the same interval %v", a)
	}
	out, _, _ := runAgree(t, "--matrix", p, "--level", "interval", "--bootstrap", "200", "--seed", "5")
	if !strings.Contains(out, "95% bootstrap interval") || !strings.Contains(out, "200 resamples") {
		t.Errorf("table lacks the interval:\n%s", out)
	}
}

func TestAgreementTable(t *testing.T) {
	p := agreeWriteCSV(t, "agreeK2011.csv", agreeK2011)
	out, errs, code := runAgree(t, "--matrix", p, "--level", "nominal")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Krippendorff's alpha (nominal)", "0.7434", "Percent agreement (all agree)", "Fleiss' kappa", "not applicable", "Coder pairs", "Cohen's kappa"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Two coders: no pair table, but kappa rows.
	p2 := agreeWriteCSV(t, "p.csv", agreeProposals())
	out, _, _ = runAgree(t, "--matrix", p2, "--level", "nominal")
	for _, want := range []string{"Cohen's kappa", "0.4000", "Scott's pi", "Weighted kappa (linear)", "not applicable (unordered labels"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Coder pairs") {
		t.Errorf("pair table for two coders:\n%s", out)
	}
}

func TestAgreementUndefinedShown(t *testing.T) {
	// Every value the same: alpha and kappa are 0/0.
	p := agreeWriteCSV(t, "same.csv", "u,a,b\n1,x,x\n2,x,x\n3,x,\n")
	out, errs, code := runAgree(t, "--matrix", p, "--level", "nominal", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m := agreeDecode(t, out)
	for _, k := range []string{"krippendorff_alpha", "cohen_kappa", "scott_pi", "fleiss_kappa"} {
		if m[k] != nil {
			t.Errorf("%s = %v, want null", k, m[k])
		}
	}
	agreeNear(t, m, "percent_agreement", 1)
	out, _, _ = runAgree(t, "--matrix", p, "--level", "nominal")
	if !strings.Contains(out, "undefined") {
		t.Errorf("table should say undefined:\n%s", out)
	}
	// No pairable unit: a defined result (all null) and a warning.
	p = agreeWriteCSV(t, "none.csv", "u,a,b\n1,x,\n2,,y\n")
	out, errs, code = runAgree(t, "--matrix", p, "--level", "nominal", "--json", "--bootstrap", "10")
	if code != 0 || !strings.Contains(errs, "no unit has two or more values") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	m = agreeDecode(t, out)
	if m["pairable_units"] != 0.0 || m["krippendorff_alpha"] != nil || m["alpha_ci95"] != nil || m["percent_agreement"] != nil || m["cohen_kappa"] != nil {
		t.Errorf("no pairable unit: %v", m)
	}
}

func TestAgreementQuotedCSV(t *testing.T) {
	p := agreeWriteCSV(t, "q.csv", "\uFEFF\"unit\",\"Smith, J.\",\"O'Neil \"\"Bo\"\"\"\r\n\"a\",\"pos\",pos\r\n\"b\nc\",neg,\"neg\"\r\nd, pos , neg\r\n,,\r\n")
	out, errs, code := runAgree(t, "--matrix", p, "--level", "nominal")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `Smith, J., O'Neil "Bo"`) || !strings.Contains(out, "3 (3 pairable") {
		t.Errorf("quoted fields misread:\n%s", out)
	}
}

func TestAgreementErrors(t *testing.T) {
	cases := []struct {
		name, csv string
		args      []string
		code      int
		want      string // in stderr
	}{
		{"ragged", "u,a,b\n1,1,2\n2,1\n", nil, 1, "r.csv:3: 2 cells, but the header has 3 columns"},
		{"duplicate unit", "u,a,b\n1,1,2\nx,1,1\n1,2,2\n", nil, 1, "r.csv:4: unit \"1\" appears twice (first on line 2)"},
		{"label at interval", "u,a,b\n1,1,2\n2,low,1\n", []string{"--level", "interval"}, 1, "r.csv:3: coder a: value \"low\" is not a number: the interval level needs numbers"},
		{"label at ratio", "u,a,b\n1,1,2\n2,1,n/a\n", []string{"--level", "ratio"}, 1, "r.csv:3: coder b: value \"n/a\" is not a number"},
		{"negative ratio", "u,a,b\n1,1,2\n2,1,-3\n", []string{"--level", "ratio"}, 1, "r.csv:3: coder b: value \"-3\" is negative"},
		{"label at ordinal", "u,a,b\n1,lo,hi\n", []string{"--level", "ordinal"}, 1, "r.csv:2: coder a: value \"lo\" is not a number"},
		{"outside categories", "u,a,b\n1,1,2\n2,3,4\n", []string{"--categories", "1,2,3"}, 1, "r.csv:3: coder b: value \"4\" is not one of the declared categories (1,2,3)"},
		{"single coder", "u,a\n1,1\n", nil, 1, "r.csv:1: the header names one coder (\"a\")"},
		{"no coder", "u\n1\n", nil, 1, "r.csv:1: the header names no coder"},
		{"duplicate coder", "u,a,a\n1,1,1\n", nil, 1, "coder \"a\" named twice"},
		{"empty file", "", nil, 1, "r.csv: empty file"},
		{"blank file", "\n\n,,\n", nil, 1, "r.csv: empty file"},
		{"unclosed quote", "u,a,b\n1,\"x,y\n", nil, 1, "r.csv:2: quoted field never closed"},
		{"text after quote", "u,a,b\n1,\"x\"y,z\n", nil, 1, "r.csv:2: unexpected"},
		{"empty unit id", "u,a,b\n,1,2\n", nil, 1, "r.csv:2: the unit id (first cell) is empty"},
		{"invalid utf8", "u,a,b\n1,\xff,2\n", nil, 1, "r.csv:2: invalid UTF-8"},
		{"no matrix", "", []string{"--matrix", ""}, 2, "--matrix FILE.csv is required"},
		{"no level", "u,a,b\n1,1,1\n", []string{"--level", ""}, 2, "--level is required"},
		{"bad level", "u,a,b\n1,1,1\n", []string{"--level", "cardinal"}, 2, "unknown level \"cardinal\""},
		{"bad categories", "u,a,b\n1,1,1\n", []string{"--categories", "1,,2"}, 2, "empty category"},
		{"duplicate categories", "u,a,b\n1,1,1\n", []string{"--categories", "1,2,1"}, 2, "names \"1\" twice"},
		{"negative bootstrap", "u,a,b\n1,1,1\n", []string{"--bootstrap", "-1"}, 2, "--bootstrap must be 0 or more"},
		{"stray argument", "u,a,b\n1,1,1\n", []string{"extra"}, 2, "unexpected argument \"extra\""},
		{"bad flag", "u,a,b\n1,1,1\n", []string{"--nope"}, 2, "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := agreeWriteCSV(t, "r.csv", c.csv)
			args := append([]string{"--matrix", p, "--level", "nominal"}, c.args...)
			_, errs, code := runAgree(t, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errs)
			}
			errs = strings.ReplaceAll(errs, filepath.Dir(p)+string(filepath.Separator), "")
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q lacks %q", errs, c.want)
			}
		})
	}
	_, errs, code := runAgree(t, "--matrix", filepath.Join(t.TempDir(), "absent.csv"), "--level", "nominal")
	if code != 1 || !strings.Contains(errs, "absent.csv") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
}

func TestAgreementHelp(t *testing.T) {
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := cli.Run(env, []string{"help"}); code != 0 || !strings.Contains(out.String(), "slant agreement --matrix FILE.csv") {
		t.Errorf("help: %d %s", code, out.String())
	}
	out.Reset()
	if code := cli.Run(env, []string{"help", "agreement"}); code != 0 || !strings.Contains(out.String(), "-bootstrap") {
		t.Errorf("help agreement (asked for, so on stdout): %d %s", code, out.String())
	}
}

// agreementCSV writes units × coders reliability data with 3 ordered
// categories and 10% missing values, seeded.
func agreementCSV(b *testing.B, units, coders int) string {
	var sb strings.Builder
	sb.WriteString("unit")
	for c := 0; c < coders; c++ {
		fmt.Fprintf(&sb, ",coder%d", c+1)
	}
	sb.WriteString("\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for u := 0; u < units; u++ {
		truth := rng.IntN(3) + 1
		fmt.Fprintf(&sb, "u%d", u)
		for c := 0; c < coders; c++ {
			sb.WriteByte(',')
			if rng.Float64() < 0.1 {
				continue
			}
			v := truth
			if rng.Float64() < 0.25 {
				v = rng.IntN(3) + 1
			}
			sb.WriteByte(byte('0' + v))
		}
		sb.WriteByte('\n')
	}
	p := filepath.Join(b.TempDir(), "matrix.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// The whole `slant agreement --matrix` command (read, parse, every metric,
// print) on 100,000 units × 5 coders; budget 50 ms.
func BenchmarkAgreementCommand100kx5(b *testing.B) {
	p := agreementCSV(b, 100_000, 5)
	b.ResetTimer()
	for b.Loop() {
		if _, errs, code := runAgree(b, "--matrix", p, "--level", "ordinal", "--json"); code != 0 {
			b.Fatal(errs)
		}
	}
	b.ReportMetric(50, "budget-ms")
}
