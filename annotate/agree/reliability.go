// Package agree measures inter-annotator agreement: Krippendorff's alpha at
// every level of measurement (with a bootstrap confidence interval), Cohen's
// kappa, weighted kappa, Scott's pi, Fleiss' kappa, percent agreement, and
// span agreement (F1 and token-level alpha).
//
// The metrics work on a Reliability value (units × coders with missing
// values) and on plain span lists, whatever the data came from: a CSV matrix
// (ParseMatrix), a project file, or a test. A value that is mathematically
// undefined (0/0) is NaN, never a made-up number.
package agree

import (
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Missing marks a cell without a value.
const Missing int32 = -1

// Level is a level of measurement for Krippendorff's alpha.
type Level int

const (
	Nominal Level = iota
	Ordinal
	Interval
	Ratio
)

var levelNames = [...]string{"nominal", "ordinal", "interval", "ratio"}

func (l Level) String() string {
	if l < 0 || int(l) >= len(levelNames) {
		return "Level(" + strconv.Itoa(int(l)) + ")"
	}
	return levelNames[l]
}

// ParseLevel reads "nominal", "ordinal", "interval" or "ratio".
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if s == n {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want nominal, ordinal, interval or ratio)", s)
}

// Reliability is reliability data: a matrix of units (rows) × coders
// (columns) in which a cell holds the index of a category, or Missing.
//
// Categories are ordered: their indices are the order used by the ordinal
// level and by weighted kappa, so a declared category set keeps its order and
// its unused categories. Values gives each category's number, used by the
// interval and ratio levels (NaN for a category that is a label, not a
// number).
type Reliability struct {
	Coders []string  // one name per column
	Units  []string  // one id per row; may be nil
	Cells  []int32   // row-major, len = NumUnits()*len(Coders)
	Labels []string  // category names, by index
	Values []float64 // category numbers, by index (NaN: not a number)
	// Ordered says the category order means something (numbers, or a
	// declared ordered set), so that weighted kappa applies.
	Ordered bool
}

// NumUnits is the number of rows.
func (r *Reliability) NumUnits() int {
	if len(r.Coders) == 0 {
		return 0
	}
	return len(r.Cells) / len(r.Coders)
}

// NumCategories is the number of declared categories.
func (r *Reliability) NumCategories() int { return len(r.Values) }

// Row returns the cells of unit u.
func (r *Reliability) Row(u int) []int32 {
	k := len(r.Coders)
	return r.Cells[u*k : u*k+k : u*k+k]
}

// Validate checks that the matrix is well formed.
func (r *Reliability) Validate() error {
	k := len(r.Coders)
	if k == 0 {
		return fmt.Errorf("agree: no coders")
	}
	if len(r.Cells)%k != 0 {
		return fmt.Errorf("agree: %d cells do not fill rows of %d coders", len(r.Cells), k)
	}
	if r.Units != nil && len(r.Units) != len(r.Cells)/k {
		return fmt.Errorf("agree: %d unit ids for %d rows", len(r.Units), len(r.Cells)/k)
	}
	if r.Labels != nil && len(r.Labels) != len(r.Values) {
		return fmt.Errorf("agree: %d labels for %d categories", len(r.Labels), len(r.Values))
	}
	// c+1 maps Missing to 0 and a category c to 1..nc, as unsigned.
	lim := uint32(len(r.Values))
	bad := false
	for _, c := range r.Cells {
		bad = bad || uint32(c+1) > lim
	}
	if bad {
		for i, c := range r.Cells {
			if uint32(c+1) > lim {
				return fmt.Errorf("agree: unit %d, coder %d: category index %d out of range [0,%d)", i/k, i%k, c, lim)
			}
		}
	}
	return nil
}

// Numeric reports whether every category has a number.
func (r *Reliability) Numeric() bool {
	for _, v := range r.Values {
		if math.IsNaN(v) {
			return false
		}
	}
	return true
}

// Label names category c.
func (r *Reliability) Label(c int32) string {
	if int(c) < len(r.Labels) {
		return r.Labels[c]
	}
	return strconv.FormatFloat(r.Values[c], 'g', -1, 64)
}

// FromFloats builds reliability data from numbers, one slice per unit with
// one value per coder; NaN is a missing value. The categories are the
// distinct values, in increasing order.
func FromFloats(coders []string, rows [][]float64) (*Reliability, error) {
	k := len(coders)
	set := map[float64]int32{}
	for u, row := range rows {
		if len(row) != k {
			return nil, fmt.Errorf("agree: unit %d has %d values for %d coders", u, len(row), k)
		}
		for _, v := range row {
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("agree: unit %d: infinite value", u)
			}
			if !math.IsNaN(v) {
				set[v] = 0
			}
		}
	}
	vals := make([]float64, 0, len(set))
	for v := range set {
		vals = append(vals, v)
	}
	sort.Float64s(vals)
	for i, v := range vals {
		set[v] = int32(i)
	}
	r := &Reliability{Coders: coders, Values: vals, Cells: make([]int32, 0, len(rows)*k), Ordered: true}
	for _, row := range rows {
		for _, v := range row {
			if math.IsNaN(v) {
				r.Cells = append(r.Cells, Missing)
			} else {
				r.Cells = append(r.Cells, set[v])
			}
		}
	}
	return r, nil
}

// FromLabels builds reliability data from labels, one slice per unit with one
// label per coder; "" is a missing value. categories declares the ordered
// category set; if it is nil, the categories are the distinct labels, in
// increasing numeric order when every label is a number, else in string
// order. A category that parses as a number gets that number as its value.
// The categories are ordered when declared or when all are numbers.
func FromLabels(coders []string, rows [][]string, categories []string) (*Reliability, error) {
	k := len(coders)
	ordered := categories != nil
	if categories == nil {
		seen := map[string]bool{}
		for _, row := range rows {
			for _, s := range row {
				if s != "" && !seen[s] {
					seen[s] = true
					categories = append(categories, s)
				}
			}
		}
		ordered = sortLabels(categories)
	}
	index := make(map[string]int32, len(categories))
	r := &Reliability{Coders: coders, Labels: categories, Values: make([]float64, len(categories)), Ordered: ordered}
	for i, c := range categories {
		if _, dup := index[c]; dup {
			return nil, fmt.Errorf("agree: category %q declared twice", c)
		}
		index[c] = int32(i)
		r.Values[i] = parseNumber(c)
	}
	r.Cells = make([]int32, 0, len(rows)*k)
	for u, row := range rows {
		if len(row) != k {
			return nil, fmt.Errorf("agree: unit %d has %d values for %d coders", u, len(row), k)
		}
		for j, s := range row {
			if s == "" {
				r.Cells = append(r.Cells, Missing)
				continue
			}
			c, ok := index[s]
			if !ok {
				return nil, fmt.Errorf("agree: unit %d, coder %s: %q is not a declared category", u, coders[j], s)
			}
			r.Cells = append(r.Cells, c)
		}
	}
	return r, nil
}

// parseNumber returns the number s spells, or NaN.
func parseNumber(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return math.NaN()
	}
	return v
}

// sortLabels orders labels numerically when all are numbers, else as
// strings, and reports whether they were numbers.
func sortLabels(ls []string) bool {
	allNum := true
	for _, s := range ls {
		if math.IsNaN(parseNumber(s)) {
			allNum = false
			break
		}
	}
	if allNum {
		sort.SliceStable(ls, func(i, j int) bool { return parseNumber(ls[i]) < parseNumber(ls[j]) })
	} else {
		sort.Strings(ls)
	}
	return allNum
}
