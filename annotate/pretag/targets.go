package pretag

import (
	"sort"
	"strings"
	"unicode"
)

// groupTargets assigns each mention to a target (one per real-world entity)
// and returns the targets with canonical names and labels. Mentions are
// grouped by canonical name (gazetteer: "U.S." → United States; ticker →
// company), then a lone surname joins the one person whose full name ends
// with it, and an acronym joins the one name whose initials it spells.
func groupTargets(text string, es []ent) (tg []Target, of []int) {
	key := make([]string, len(es))
	for i, x := range es {
		k := x.canon
		if k == "" {
			k = mentionKey(text[x.s:x.e])
		}
		key[i] = k
	}
	// Label votes per key.
	type info struct {
		votes  map[string]int
		strong string
		forms  map[string]int
	}
	infos := map[string]*info{}
	var order []string
	for i, x := range es {
		in := infos[key[i]]
		if in == nil {
			in = &info{votes: map[string]int{}, forms: map[string]int{}}
			infos[key[i]] = in
			order = append(order, key[i])
		}
		if x.strong {
			if in.strong == "" || x.label != "GPE" {
				in.strong = x.label
			}
		}
		in.votes[x.label]++
		if x.src != "ticker" || x.canon == "" {
			in.forms[text[x.s:x.e]]++
		}
	}
	labelOf := func(k string) string {
		in := infos[k]
		if in.strong != "" {
			return in.strong
		}
		best, n := "", -1
		for _, l := range []string{"PERSON", "ORG", "GPE", "LOC"} {
			if in.votes[l] > n {
				best, n = l, in.votes[l]
			}
		}
		for l, v := range in.votes {
			if v > n {
				best, n = l, v
			}
		}
		return best
	}
	// Merge keys: surname → full name, acronym → name.
	parent := map[string]string{}
	multi := map[string][]string{} // last word → multi-word keys
	initials := map[string][]string{}
	for _, k := range order {
		if !strings.Contains(k, " ") {
			continue
		}
		multi[lastWord(k)] = append(multi[lastWord(k)], k)
		if a := acronym(k); len(a) >= 2 {
			initials[a] = append(initials[a], k)
		}
	}
	for _, k := range order {
		if strings.Contains(k, " ") {
			continue
		}
		if c := multi[k]; len(c) == 1 && labelOf(c[0]) == "PERSON" && infos[k].strong == "" {
			parent[k] = c[0]
		} else if c := initials[k]; len(c) == 1 && allCaps(k) {
			parent[k] = c[0]
		}
	}
	root := func(k string) string {
		for p, ok := parent[k]; ok; p, ok = parent[k] {
			k = p
		}
		return k
	}
	idx := map[string]int{}
	of = make([]int, len(es))
	for i := range es {
		r := root(key[i])
		t, ok := idx[r]
		if !ok {
			t = len(tg)
			idx[r] = t
			tg = append(tg, Target{Name: r, Label: labelOf(r)})
		}
		of[i] = t
	}
	// Canonical name: the gazetteer/ticker canon, else the longest form.
	canonKeys := map[string]bool{}
	for i, x := range es {
		if x.canon != "" && x.src != "known" {
			canonKeys[key[i]] = true
		}
	}
	for r, t := range idx {
		name := r
		if in := infos[r]; len(in.forms) > 0 && !canonKeys[r] {
			forms := make([]string, 0, len(in.forms))
			for f := range in.forms {
				forms = append(forms, f)
			}
			sort.Slice(forms, func(i, j int) bool {
				if len(forms[i]) != len(forms[j]) {
					return len(forms[i]) > len(forms[j])
				}
				return forms[i] < forms[j]
			})
			name = mentionKey(forms[0])
		}
		tg[t].Name = name
	}
	return tg, of
}

// mentionKey normalises a mention's text for grouping: possessive removed,
// white space collapsed, curly apostrophes straightened.
func mentionKey(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range []string{"’s", "'s", "’", "'"} {
		if strings.HasSuffix(s, p) && len(s) > len(p)+1 {
			s = s[:len(s)-len(p)]
			break
		}
	}
	return s
}

// acronym spells the initials of the capitalised words of a name ("United
// States Trade Representative" → "USTR").
func acronym(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)[0]
		if unicode.IsUpper(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
