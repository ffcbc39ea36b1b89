package pretag

import "strings"

// place is one gazetteer entry: the canonical name of a country (or union)
// and every surface form that refers to it.
type place struct {
	name  string
	forms []string
}

// countries is Slant's small gazetteer: countries most often in the news,
// their common aliases and their demonyms (adjectives and plurals). Every
// form maps to the canonical name, so "U.S.", "US", "USA", "America" and
// "American" all belong to the target "United States". Ambiguous short forms
// (e.g. "Georgia", "Jordan", "Chad", "Turkey" as a word) are left out or kept
// only in their unambiguous form.
var countries = []place{
	{"United States", []string{"United States of America", "United States", "U.S.A.", "U.S.", "USA", "US", "America", "American", "Americans"}},
	{"United Kingdom", []string{"United Kingdom", "U.K.", "UK", "Britain", "Great Britain", "British", "Briton", "Britons"}},
	{"India", []string{"India", "Indian", "Indians"}},
	{"China", []string{"China", "Chinese", "People's Republic of China", "PRC"}},
	{"Russia", []string{"Russia", "Russian", "Russians", "Russian Federation"}},
	{"Japan", []string{"Japan", "Japanese"}},
	{"Germany", []string{"Germany", "German", "Germans"}},
	{"France", []string{"France", "French"}},
	{"Italy", []string{"Italy", "Italian", "Italians"}},
	{"Spain", []string{"Spain", "Spanish"}},
	{"Portugal", []string{"Portugal", "Portuguese"}},
	{"Canada", []string{"Canada", "Canadian", "Canadians"}},
	{"Mexico", []string{"Mexico", "Mexican", "Mexicans"}},
	{"Brazil", []string{"Brazil", "Brazilian", "Brazilians"}},
	{"Argentina", []string{"Argentina", "Argentine", "Argentinian"}},
	{"Chile", []string{"Chile", "Chilean"}},
	{"Colombia", []string{"Colombia", "Colombian"}},
	{"Venezuela", []string{"Venezuela", "Venezuelan"}},
	{"Cuba", []string{"Cuba", "Cuban", "Cubans"}},
	{"Peru", []string{"Peru", "Peruvian"}},
	{"Australia", []string{"Australia", "Australian", "Australians"}},
	{"New Zealand", []string{"New Zealand"}},
	{"South Korea", []string{"South Korea", "South Korean", "Republic of Korea"}},
	{"North Korea", []string{"North Korea", "North Korean", "DPRK"}},
	{"Korea", []string{"Korea", "Korean"}},
	{"Taiwan", []string{"Taiwan", "Taiwanese"}},
	{"Hong Kong", []string{"Hong Kong"}},
	{"Vietnam", []string{"Vietnam", "Vietnamese"}},
	{"Thailand", []string{"Thailand", "Thai"}},
	{"Indonesia", []string{"Indonesia", "Indonesian"}},
	{"Malaysia", []string{"Malaysia", "Malaysian"}},
	{"Singapore", []string{"Singapore", "Singaporean"}},
	{"Philippines", []string{"Philippines", "Filipino"}},
	{"Pakistan", []string{"Pakistan", "Pakistani", "Pakistanis"}},
	{"Bangladesh", []string{"Bangladesh", "Bangladeshi"}},
	{"Sri Lanka", []string{"Sri Lanka", "Sri Lankan"}},
	{"Nepal", []string{"Nepal", "Nepalese"}},
	{"Afghanistan", []string{"Afghanistan", "Afghan", "Afghans"}},
	{"Iran", []string{"Iran", "Iranian", "Iranians"}},
	{"Iraq", []string{"Iraq", "Iraqi", "Iraqis"}},
	{"Syria", []string{"Syria", "Syrian", "Syrians"}},
	{"Israel", []string{"Israel", "Israeli", "Israelis"}},
	{"Palestine", []string{"Palestine", "Palestinian", "Palestinians"}},
	{"Lebanon", []string{"Lebanon", "Lebanese"}},
	{"Jordan", []string{"Jordanian"}},
	{"Saudi Arabia", []string{"Saudi Arabia", "Saudi", "Saudis"}},
	{"United Arab Emirates", []string{"United Arab Emirates", "UAE", "Emirati"}},
	{"Qatar", []string{"Qatar", "Qatari"}},
	{"Yemen", []string{"Yemen", "Yemeni"}},
	{"Egypt", []string{"Egypt", "Egyptian", "Egyptians"}},
	{"Libya", []string{"Libya", "Libyan"}},
	{"Turkey", []string{"Turkish"}},
	{"Greece", []string{"Greece", "Greek"}},
	{"Ukraine", []string{"Ukraine", "Ukrainian", "Ukrainians"}},
	{"Poland", []string{"Poland", "Polish"}},
	{"Netherlands", []string{"Netherlands", "Dutch", "Holland"}},
	{"Belgium", []string{"Belgium", "Belgian"}},
	{"Switzerland", []string{"Switzerland", "Swiss"}},
	{"Austria", []string{"Austria", "Austrian"}},
	{"Sweden", []string{"Sweden", "Swedish"}},
	{"Norway", []string{"Norway", "Norwegian"}},
	{"Denmark", []string{"Denmark", "Danish"}},
	{"Finland", []string{"Finland", "Finnish"}},
	{"Ireland", []string{"Ireland", "Irish"}},
	{"Hungary", []string{"Hungary", "Hungarian"}},
	{"Nigeria", []string{"Nigeria", "Nigerian"}},
	{"Kenya", []string{"Kenya", "Kenyan"}},
	{"Ethiopia", []string{"Ethiopia", "Ethiopian"}},
	{"South Africa", []string{"South Africa", "South African"}},
	{"Somalia", []string{"Somalia", "Somali"}},
	{"Sudan", []string{"Sudan", "Sudanese"}},
	{"Haiti", []string{"Haiti", "Haitian"}},
	{"European Union", []string{"European Union", "EU", "E.U."}},
}

// gazEntry is what a surface form resolves to.
type gazEntry struct {
	name    string // canonical country name
	demonym bool   // an adjective/plural ("Indian"), not the name itself
}

var gazetteer = func() map[string]gazEntry {
	m := map[string]gazEntry{}
	for _, p := range countries {
		for i, f := range p.forms {
			dem := i > 0 && (strings.HasSuffix(f, "an") || strings.HasSuffix(f, "ans") || strings.HasSuffix(f, "ese") ||
				strings.HasSuffix(f, "ish") || strings.HasSuffix(f, "i") || strings.HasSuffix(f, "is") || f == "French" || f == "Dutch" || f == "Swiss" || f == "Greek" || f == "Thai")
			m[f] = gazEntry{name: p.name, demonym: dem}
		}
	}
	return m
}()

// gazMaxWords is the longest form in words.
const gazMaxWords = 4
