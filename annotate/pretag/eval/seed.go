package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/slant-annotate/slant/annotate/pretag"
)

type seedGold struct {
	Targets []struct {
		Name     string   `json:"name"`
		Label    string   `json:"label"`
		Mentions [][2]int `json:"mentions"`
	} `json:"targets"`
	Quotes []struct {
		Span    [2]int `json:"span"`
		Speaker [2]int `json:"speaker"`
		Text    string `json:"text"`
	} `json:"quotes"`
	NotEntities []string `json:"not_entities"`
}

// SeedTarget is how one gold target of the sample article fared.
type SeedTarget struct {
	Name, Label string
	Found       bool    // some predicted target holds its mentions
	Predicted   string  // that target's name
	GotLabel    string  // that target's label
	Coverage    float64 // share of gold mentions (exact spans) in that target
	Split       bool    // gold mentions spread over several predicted targets
}

// OK reports whether the target is found, labelled right, ≥ 85 % covered
// and not split.
func (t SeedTarget) OK() bool {
	return t.Found && t.GotLabel == t.Label && t.Coverage >= 0.85 && !t.Split
}

// SeedQuote is how one gold quote fared.
type SeedQuote struct {
	Text      string
	Found     bool // a predicted quote with exactly the gold span
	SpeakerOK bool // with exactly the gold speaker span
	Got       string
}

// SeedResult is the sample article's check list.
type SeedResult struct {
	Targets      []SeedTarget
	NotEntities  []string // not_entities the tagger produced (should be none)
	FalseTargets []string // predicted targets matching no gold mention
	Quotes       []SeedQuote
}

func (s *SeedResult) TargetsOK() int {
	n := 0
	for _, t := range s.Targets {
		if t.OK() {
			n++
		}
	}
	return n
}

func (s *SeedResult) QuotesOK() int {
	n := 0
	for _, q := range s.Quotes {
		if q.Found && q.SpeakerOK {
			n++
		}
	}
	return n
}

// Pass reports whether every item of the check list passes.
func (s *SeedResult) Pass() bool {
	return s.TargetsOK() == len(s.Targets) && len(s.NotEntities) == 0 && len(s.FalseTargets) == 0 && s.QuotesOK() == len(s.Quotes)
}

// Problems lists what failed, for people.
func (s *SeedResult) Problems() []string {
	var out []string
	for _, t := range s.Targets {
		if !t.OK() {
			out = append(out, fmt.Sprintf("target %q (%s): found=%v as %q %s, coverage %.2f, split=%v", t.Name, t.Label, t.Found, t.Predicted, t.GotLabel, t.Coverage, t.Split))
		}
	}
	for _, n := range s.NotEntities {
		out = append(out, fmt.Sprintf("not an entity: %q", n))
	}
	for _, n := range s.FalseTargets {
		out = append(out, fmt.Sprintf("false target: %q", n))
	}
	for _, q := range s.Quotes {
		if !q.Found || !q.SpeakerOK {
			out = append(out, fmt.Sprintf("quote %.40q: found=%v speaker=%v (%s)", q.Text, q.Found, q.SpeakerOK, q.Got))
		}
	}
	return out
}

// Seed checks the sample article (seed/us-india-ecommerce.txt) against
// seed/gold.json.
func Seed(dir string, tagger *pretag.Tagger) (*SeedResult, error) {
	text, err := readText(filepath.Join(dir, "seed", "us-india-ecommerce.txt"))
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "seed", "gold.json"))
	if err != nil {
		return nil, err
	}
	var g seedGold
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("seed/gold.json: %w", err)
	}
	return checkSeed(tagger.Tag(text), g)
}

// checkSeed compares one Result with the sample article's gold.
func checkSeed(r *pretag.Result, g seedGold) (*SeedResult, error) {
	res := &SeedResult{}
	bySpan := map[[2]int]int{}
	for i, e := range r.Entities {
		bySpan[[2]int{e.Start, e.End}] = i
	}
	goldSpan := map[[2]int]bool{}
	for _, t := range g.Targets {
		st := SeedTarget{Name: t.Name, Label: t.Label}
		count := map[int]int{}
		for _, m := range t.Mentions {
			goldSpan[m] = true
			if i, ok := bySpan[m]; ok {
				count[r.Entities[i].Target]++
			}
		}
		best, bn := -1, 0
		for tg, n := range count {
			if n > bn || n == bn && tg < best {
				best, bn = tg, n
			}
		}
		if best >= 0 {
			st.Found = true
			st.Predicted = r.Targets[best].Name
			st.GotLabel = r.Targets[best].Label
			st.Coverage = float64(bn) / float64(len(t.Mentions))
			st.Split = len(count) > 1
		}
		res.Targets = append(res.Targets, st)
	}
	for _, n := range g.NotEntities {
		for _, e := range r.Entities {
			if strings.Contains(e.Text, n) {
				res.NotEntities = append(res.NotEntities, n)
				break
			}
		}
	}
	for _, t := range r.Targets {
		hit := false
		for _, m := range t.Mentions {
			for gs := range goldSpan {
				if m[0] < gs[1] && m[1] > gs[0] {
					hit = true
				}
			}
		}
		if !hit {
			res.FalseTargets = append(res.FalseTargets, t.Name)
		}
	}
	for _, q := range g.Quotes {
		sq := SeedQuote{Text: q.Text}
		for _, p := range r.Quotes {
			if p.Start == q.Span[0] && p.End == q.Span[1] {
				sq.Found = true
				if p.Speaker != nil {
					sq.Got = fmt.Sprintf("speaker [%d,%d) %q", p.Speaker.Start, p.Speaker.End, p.Speaker.Text)
					sq.SpeakerOK = p.Speaker.Start == q.Speaker[0] && p.Speaker.End == q.Speaker[1]
				} else {
					sq.Got = "no speaker"
				}
			}
		}
		res.Quotes = append(res.Quotes, sq)
	}
	return res, nil
}
