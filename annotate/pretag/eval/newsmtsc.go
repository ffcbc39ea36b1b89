package eval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/slant-annotate/slant/annotate/pretag"
)

// MentionScores is NewsMTSC entity recall.
type MentionScores struct {
	Sentences int
	// Gold: target mentions (with their further mentions) that are
	// capitalised names; Found: those overlapped by a predicted entity.
	Gold, Found int
	Examples    []string
}

func (m *MentionScores) Recall() float64 { return ratio(m.Found, m.Gold) }

type mtscMention struct {
	From    int    `json:"from"`
	To      int    `json:"to"`
	Mention string `json:"mention"`
}

type mtscLine struct {
	Sentence string `json:"sentence_normalized"`
	Targets  []struct {
		mtscMention
		Further []mtscMention `json:"further_mentions"`
	} `json:"targets"`
}

// notNameWords are capitalised words that do not make a mention a name:
// pronouns, determiners and titles ("He", "The", "Mr.", "President").
var notNameWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`he she they it we i you his her him its their them hers this that these those the a an
		mr mrs ms dr president sen senator rep representative gov governor secretary vice judge justice gen general
		chairman chairwoman speaker first lady former attorney director leader minister prime candidate nominee
		king queen prince pope officer sheriff mayor chief ambassador`) {
		notNameWords[w] = true
	}
}

// IsCapitalisedName reports whether a mention names someone or something:
// it holds a capitalised word that is not a pronoun, determiner or title.
func IsCapitalisedName(m string) bool {
	for _, w := range strings.Fields(m) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if w == "" {
			continue
		}
		r := []rune(w)[0]
		if unicode.IsUpper(r) && !notNameWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// NewsMTSC measures recall of capitalised target mentions on
// newsmtsc/devtest_rw.jsonl: a mention is found when a predicted entity
// overlaps it (offsets in code points).
func NewsMTSC(ctx context.Context, dir string, tagger *pretag.Tagger, workers int) (*MentionScores, error) {
	path := filepath.Join(dir, "newsmtsc", "devtest_rw.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []mtscLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for n := 1; sc.Scan(); n++ {
		var l mtscLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	m := &MentionScores{Sentences: len(lines)}
	err = tagger.TagAll(ctx, workers, func(yield func(int, string) bool) {
		for i, l := range lines {
			if !yield(i, l.Sentence) {
				return
			}
		}
	}, func(i int, r *pretag.Result) error {
		for _, t := range lines[i].Targets {
			for _, mm := range append([]mtscMention{t.mtscMention}, t.Further...) {
				if !IsCapitalisedName(mm.Mention) {
					continue
				}
				m.Gold++
				hit := false
				for _, e := range r.Entities {
					if e.Start < mm.To && mm.From < e.End {
						hit = true
						break
					}
				}
				if hit {
					m.Found++
				} else if len(m.Examples) < 400 {
					m.Examples = append(m.Examples, fmt.Sprintf("MISS %q in %.160q", mm.Mention, lines[i].Sentence))
				}
			}
		}
		return nil
	}, nil)
	return m, err
}
