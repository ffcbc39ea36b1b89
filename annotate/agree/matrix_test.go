package agree

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// cellsAsLabels renders a matrix back as labels ("" for missing).
func cellsAsLabels(r *Reliability) [][]string {
	var rows [][]string
	k := len(r.Coders)
	for u := 0; u < r.NumUnits(); u++ {
		row := make([]string, k)
		for j, c := range r.Row(u) {
			if c != Missing {
				row[j] = r.Label(c)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func TestParseMatrix(t *testing.T) {
	in := "unit,A,B,C\r\n1,1,1.0,\r\n2, 2 ,3,3\r\n\r\n3,,,\r\n4,10,2,1e1"
	r, err := ParseMatrix("m.csv", []byte(in), MatrixOptions{Level: Interval})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Coders, []string{"A", "B", "C"}) || !reflect.DeepEqual(r.Units, []string{"1", "2", "3", "4"}) {
		t.Fatalf("coders %v units %v", r.Coders, r.Units)
	}
	if !reflect.DeepEqual(r.Values, []float64{1, 2, 3, 10}) || !r.Ordered {
		t.Errorf("values %v ordered %v", r.Values, r.Ordered)
	}
	want := [][]string{{"1", "1", ""}, {"2", "3", "3"}, {"", "", ""}, {"10", "2", "10"}}
	if got := cellsAsLabels(r); !reflect.DeepEqual(got, want) {
		t.Errorf("cells %q", got)
	}

	// Labels at the nominal level, sorted; declared categories keep their order.
	r, err = ParseMatrix("m.csv", []byte("u,a,b\nx,pos,neg\ny,neu,pos\n"), MatrixOptions{Level: Nominal})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Labels, []string{"neg", "neu", "pos"}) || r.Ordered {
		t.Errorf("labels %v ordered %v", r.Labels, r.Ordered)
	}
	r, err = ParseMatrix("m.csv", []byte("u,a,b\nx,pos,neg\ny,neu,pos\n"), MatrixOptions{Level: Ordinal, Categories: []string{"neg", "neu", "pos", "very pos"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Labels, []string{"neg", "neu", "pos", "very pos"}) || !r.Ordered || r.Cells[0] != 2 {
		t.Errorf("labels %v cells %v", r.Labels, r.Cells)
	}
	// Numeric categories match numbers written differently.
	r, err = ParseMatrix("m.csv", []byte("u,a,b\nx,1.0,2\n"), MatrixOptions{Level: Ratio, Categories: []string{"1", "2", "3"}})
	if err != nil || !reflect.DeepEqual(r.Cells, []int32{0, 1}) {
		t.Errorf("cells %v err %v", r.Cells, err)
	}
	// A header alone: no units, a defined (undefined) result.
	r, err = ParseMatrix("m.csv", []byte("u,a,b\n"), MatrixOptions{})
	if err != nil || r.NumUnits() != 0 {
		t.Fatalf("%v %v", r, err)
	}
	if a := mustAlpha(t, r, Nominal); !math.IsNaN(a.Alpha) {
		t.Errorf("alpha %v", a.Alpha)
	}
}

func TestParseMatrixErrors(t *testing.T) {
	for _, c := range []struct {
		in   string
		o    MatrixOptions
		line int
		want string
	}{
		{"", MatrixOptions{}, 0, "empty file"},
		{"u,a,b\n1,2\n", MatrixOptions{}, 2, "2 cells"},
		{"u,\"a\nb\",c\n1,\"x\ny\",z\n2,1\n", MatrixOptions{}, 5, "2 cells"}, // line counts newlines inside quotes
		{"u,a,b\n1,2,3\n1,2,3\n", MatrixOptions{}, 3, "appears twice"},
		{"u,a,b\n1,2,x\n", MatrixOptions{Level: Interval}, 2, "coder b: value \"x\" is not a number"},
		{"u,a,b\n1,2,3\n2,4,3\n", MatrixOptions{Categories: []string{"2", "3"}}, 3, "coder a: value \"4\" is not one of"},
		{"u,a\n1,2\n", MatrixOptions{}, 1, "one coder"},
		{"u,a,b\n1,\"2\n", MatrixOptions{}, 2, "never closed"},
		{"u,a,b\n1,\x00,2\n", MatrixOptions{}, 2, "NUL"},
		{"u,a,b\n", MatrixOptions{Categories: []string{"1", "1"}}, 0, "distinct"},
	} {
		_, err := ParseMatrix("m.csv", []byte(c.in), c.o)
		var me *MatrixError
		if !errors.As(err, &me) {
			t.Errorf("%q: error %v, want a MatrixError", c.in, err)
			continue
		}
		if me.File != "m.csv" || me.Line != c.line || !strings.Contains(me.Msg, c.want) {
			t.Errorf("%q: %v, want line %d and %q", c.in, err, c.line, c.want)
		}
	}
}

// Well-formed CSV written by encoding/csv (commas, quotes and line breaks
// inside fields) reads back the same.
func TestParseMatrixAgainstEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	pieces := []string{"a", "b b", "c,d", "e\"f", "g\nh", "ü", "\"", ",", "x\r\ny", "1", "2.5"}
	field := func() string {
		var s string
		for n := rng.IntN(3); n >= 0; n-- {
			s += pieces[rng.IntN(len(pieces))]
		}
		return s
	}
	for iter := 0; iter < 200; iter++ {
		k := 2 + rng.IntN(3)
		var rows [][]string
		head := []string{"unit"}
		for j := 0; j < k; j++ {
			head = append(head, fmt.Sprintf("coder %d, \"%s\"", j, field()))
		}
		rows = append(rows, head)
		for u := 0; u < 1+rng.IntN(6); u++ {
			row := []string{fmt.Sprintf("u%d %s", u, field())}
			for j := 0; j < k; j++ {
				if rng.IntN(4) == 0 {
					row = append(row, "")
				} else {
					row = append(row, field())
				}
			}
			rows = append(rows, row)
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.UseCRLF = rng.IntN(2) == 0
		w.WriteAll(rows)
		r, err := ParseMatrix("gen.csv", buf.Bytes(), MatrixOptions{Level: Nominal})
		if err != nil {
			t.Fatalf("%v\n%q", err, buf.String())
		}
		nl := strings.NewReplacer("\r\n", "\n", "\r", "\n")
		for j := range head {
			head[j] = nl.Replace(head[j])
		}
		if !reflect.DeepEqual(r.Coders, head[1:]) {
			t.Fatalf("coders %q, want %q", r.Coders, head[1:])
		}
		for u, row := range rows[1:] {
			if r.Units[u] != nl.Replace(row[0]) {
				t.Fatalf("unit %q, want %q", r.Units[u], row[0])
			}
			for j, want := range row[1:] {
				want = nl.Replace(want) // line breaks in quotes read as LF
				got := ""
				if c := r.Row(u)[j]; c != Missing {
					got = r.Label(c)
				}
				if got != strings.TrimSpace(want) {
					t.Fatalf("unit %d coder %d: %q, want %q\n%q", u, j, got, want, buf.String())
				}
			}
		}
	}
}

func FuzzParseMatrix(f *testing.F) {
	for _, s := range []string{
		"unit,A,B,C,D\n1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n12,,3,,\n",
		"u,a,b\r\n\"x, y\",\"p\"\"q\",r\r\n",
		"u,a,b\nx,1.5,-2\ny,,1e3\n",
		"\uFEFFu,a,b\n\n,,\n1,\"multi\nline\",z",
		"u,a,b\n1,\"open\n",
		"u,a\n1,2\n",
		"u,a,a\n",
		"",
		"u,a,b\n1,2\n",
		"u,a,b\n1,\"x\"y,z\n",
	} {
		f.Add([]byte(s), uint8(0), false)
		f.Add([]byte(s), uint8(1), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, level uint8, declare bool) {
		o := MatrixOptions{Level: Level(level % 4)}
		if declare {
			o.Categories = []string{"1", "2", "3", "x", "y"}
		}
		r, err := ParseMatrix("fuzz.csv", data, o)
		if err != nil {
			var me *MatrixError
			if !errors.As(err, &me) || me.File != "fuzz.csv" || me.Line < 0 {
				t.Fatalf("error %v is not a MatrixError naming the file", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatal(err)
		}
		if len(r.Coders) < 2 || len(r.Units) != r.NumUnits() {
			t.Fatalf("%d coders, %d unit ids, %d rows", len(r.Coders), len(r.Units), r.NumUnits())
		}
		seen := map[string]bool{}
		for _, u := range r.Units {
			if u == "" || seen[u] {
				t.Fatalf("unit id %q empty or repeated", u)
			}
			seen[u] = true
		}
		a, err := Alpha(r, o.Level)
		if err != nil {
			t.Fatalf("alpha on parsed data: %v", err)
		}
		if !math.IsNaN(a.Alpha) && (a.Alpha > 1+1e-9 || math.IsInf(a.Alpha, 0)) {
			t.Fatalf("alpha %v", a.Alpha)
		}
		if _, err := Summarize(r, Options{Level: o.Level, Bootstrap: 3, Seed: 1}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestIDSet(t *testing.T) {
	set := newIDSet(1)
	var ids []string
	for i := 0; i < 5000; i++ {
		id := fmt.Sprint(i)
		if j := set.add(ids, id); j != -1 {
			t.Fatalf("%s reported as a repeat of %d", id, j)
		}
		ids = append(ids, id)
	}
	for i := 0; i < 5000; i += 7 {
		if j := set.add(ids, fmt.Sprint(i)); j != i {
			t.Fatalf("repeat of %d found at %d", i, j)
		}
	}
}

// Repeated ids are found whether or not the ids came in increasing order.
func TestParseMatrixDuplicateIDs(t *testing.T) {
	for _, c := range []struct {
		ids  []string
		line int // of the repeat; 0: none
	}{
		{[]string{"1", "2", "9", "10", "11"}, 0},
		{[]string{"1", "2", "10", "9", "3"}, 0},
		{[]string{"1", "2", "10", "9", "2"}, 6},
		{[]string{"b", "a", "b"}, 4},
		{[]string{"a", "b", "c", "c"}, 5},
		{[]string{"a", "a"}, 3},
	} {
		in := "u,x,y\n"
		for _, id := range c.ids {
			in += id + ",1,1\n"
		}
		_, err := ParseMatrix("d.csv", []byte(in), MatrixOptions{})
		var me *MatrixError
		switch {
		case c.line == 0 && err != nil:
			t.Errorf("%v: %v", c.ids, err)
		case c.line != 0 && (!errors.As(err, &me) || me.Line != c.line || !strings.Contains(me.Msg, "appears twice")):
			t.Errorf("%v: %v, want a repeat on line %d", c.ids, err, c.line)
		}
	}
}
