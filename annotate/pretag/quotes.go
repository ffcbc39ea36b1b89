package pretag

import "github.com/slant-annotate/slant/annotate"

func findQuotes(text string, toks []token, ls []line, es []ent, of []int, ox *annotate.OffsetIndex) []Quote {
	return []Quote{}
}
