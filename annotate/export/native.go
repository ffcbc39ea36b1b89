package export

// NativeFormat and NativeVersion mark a line of the slant format.
const (
	NativeFormat  = "slant"
	NativeVersion = 1
)

// NativeDoc is one document as the slant format holds it: the text and
// what identifies it, its pre-tags, and every annotator's layer (gold's
// among them) with each suggestion's fate. Nothing in it is a row id or a
// time, so that exporting, importing into a new project and exporting
// again gives the same bytes. Indices refer to positions in the lists
// beside them; -1 is none.
type NativeDoc struct {
	Format     string         `json:"format"`
	Version    int            `json:"version"`
	SHA256     string         `json:"sha256"`
	ExternalID string         `json:"external_id"`
	Title      string         `json:"title"`
	URL        string         `json:"url"`
	Source     string         `json:"source"`
	Meta       map[string]any `json:"meta"`
	Text       string         `json:"text"`
	Pretag     *NativePretag  `json:"pretag"`
	Layers     []NativeLayer  `json:"layers"`
}

// NativePretag is what the pre-tagging engine suggested.
type NativePretag struct {
	Engine  string                  `json:"engine"`
	Millis  float64                 `json:"millis"`
	Targets []NativeSuggestedTarget `json:"targets"`
	Spans   []NativeSuggestedSpan   `json:"spans"`
}

// NativeSuggestedTarget is a suggested target, by its place in the
// engine's list.
type NativeSuggestedTarget struct {
	Ord     int      `json:"ord"`
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Aliases []string `json:"aliases"`
}

// NativeSuggestedSpan is a suggested entity or quote.
type NativeSuggestedSpan struct {
	Kind      string  `json:"kind"`
	Start     int     `json:"start"`
	End       int     `json:"end"`
	Label     string  `json:"label"`
	TargetOrd int     `json:"target_ord"`
	Speaker   *[2]int `json:"speaker"`
	Evidence  string  `json:"evidence"`
}

// NativeLayer is one annotator's work on the document.
type NativeLayer struct {
	Annotator string  `json:"annotator"`
	UID       string  `json:"uid"`
	Status    string  `json:"status"` // "" when the layer has none
	Seconds   float64 `json:"seconds"`
	// Seeded names what seeded the layer (the pre-tag engine, an import),
	// "" if nothing did.
	Seeded  string         `json:"seeded"`
	Targets []NativeTarget `json:"targets"`
	Spans   []NativeSpan   `json:"spans"`
	Labels  []NativeLabel  `json:"labels"`
}

// NativeTarget is an annotator's target.
type NativeTarget struct {
	Name    string `json:"name"`
	Label   string `json:"label"`
	Deleted bool   `json:"deleted"`
	// Suggestion is the suggested target's ord it was seeded from, or -1.
	Suggestion int `json:"suggestion"`
}

// NativeSpan is an annotator's span and, for one seeded from a
// suggestion, that suggestion (an index in Pretag.Spans) and its fate.
type NativeSpan struct {
	Kind       string   `json:"kind"`
	Start      int      `json:"start"`
	End        int      `json:"end"`
	Label      string   `json:"label"`
	Target     int      `json:"target"`
	Speaker    *[2]int  `json:"speaker"`
	Cue        *[2]int  `json:"cue"`
	Fragments  [][2]int `json:"fragments"`
	Suggestion int      `json:"suggestion"`
	Decision   string   `json:"decision"` // pending, accepted, edited, rejected or added
}

// NativeLabel is an annotator's label: of the document, or of the target
// or quote (span) at Index.
type NativeLabel struct {
	Task          string `json:"task"`
	Unit          string `json:"unit"` // document, target or quote
	Index         int    `json:"index"`
	Value         string `json:"value"`
	Towards       int    `json:"towards"` // a target's index, or -1
	SchemaVersion int    `json:"schema_version"`
}
