package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// action is something the keyboard can do in the workspace.
type action string

// The remappable actions. Label keys come from the schema, not from here.
const (
	actNext       action = "next unit"
	actPrev       action = "previous unit"
	actDone       action = "done, next document"
	actSkip       action = "skip document"
	actAccept     action = "accept suggestion"
	actReject     action = "reject suggestion"
	actClear      action = "clear label / delete span"
	actHelp       action = "keyboard cheat sheet"
	actTarget     action = "quote: next stance target / mention: split off"
	actMerge      action = "target: merge into another"
	actQuote      action = "selection: make a quote"
	actSpeaker    action = "selection: set the focused quote's speaker"
	actPerson     action = "selection or span: person"
	actOrg        action = "selection or span: organisation"
	actGPE        action = "selection or span: country/place"
	actLoc        action = "selection or span: location"
	actPrevSpan   action = "select previous span"
	actNextSpan   action = "select next span"
	actEscape     action = "clear selection"
	actGrowEnd    action = "span end: one token right"
	actShrinkEnd  action = "span end: one token left"
	actGrowStart  action = "span start: one token left"
	actShrinkStrt action = "span start: one token right"
)

// defaultKeys are the built-in bindings: a rune ("j"), or a key name
// ("Tab", "Return"), optionally with "Shift+" or "Ctrl+".
var defaultKeys = map[action][]string{
	actNext:       {"Tab", "Down", "j"},
	actPrev:       {"Shift+Tab", "Up", "k"},
	actDone:       {"Return", string(fyne.KeyEnter)},
	actSkip:       {"s"},
	actAccept:     {"a"},
	actReject:     {"x"},
	actClear:      {"BackSpace", "Delete"},
	actHelp:       {"?", "F1"},
	actTarget:     {"t"},
	actMerge:      {"m"},
	actQuote:      {"q"},
	actSpeaker:    {"w"},
	actPerson:     {"p"},
	actOrg:        {"o"},
	actGPE:        {"g"},
	actLoc:        {"l"},
	actPrevSpan:   {"Left"},
	actNextSpan:   {"Right"},
	actEscape:     {"Escape"},
	actGrowEnd:    {"Shift+Right"},
	actShrinkEnd:  {"Shift+Left"},
	actGrowStart:  {"Ctrl+Left"},
	actShrinkStrt: {"Ctrl+Right"},
}

// remappable lists the actions shown in settings, in cheat-sheet order.
var remappable = []action{actNext, actPrev, actDone, actSkip, actAccept, actReject, actClear, actHelp,
	actTarget, actMerge, actQuote, actSpeaker, actPerson, actOrg, actGPE, actLoc}

// keymap maps key strings to actions.
type keymap struct {
	keys map[action][]string
	by   map[string]action
}

const prefKeyPrefix = "key."

// loadKeymap reads the user's bindings from preferences over the defaults.
func loadKeymap(p fyne.Preferences) *keymap {
	km := &keymap{keys: map[action][]string{}}
	for a, ks := range defaultKeys {
		km.keys[a] = ks
		if p != nil {
			if v := p.String(prefKeyPrefix + string(a)); v != "" {
				km.keys[a] = strings.Split(v, " ")
			}
		}
	}
	km.index()
	return km
}

func (km *keymap) index() {
	km.by = map[string]action{}
	for a, ks := range km.keys {
		for _, k := range ks {
			km.by[k] = a
		}
	}
}

// set rebinds an action (keys separated by spaces) and saves it.
func (km *keymap) set(p fyne.Preferences, a action, keys string) error {
	ks := strings.Fields(keys)
	if len(ks) == 0 {
		return fmt.Errorf("%s needs at least one key", a)
	}
	for _, k := range ks {
		if other, ok := km.by[k]; ok && other != a {
			return fmt.Errorf("%s is already the key for %q", k, other)
		}
		if len([]rune(k)) == 1 && strings.ContainsAny(k, "0123456789") {
			return fmt.Errorf("digits choose labels; %s cannot be rebound", k)
		}
	}
	km.keys[a] = ks
	km.index()
	if p != nil {
		p.SetString(prefKeyPrefix+string(a), strings.Join(ks, " "))
	}
	return nil
}

// lookup finds the action for a key string.
func (km *keymap) lookup(key string) (action, bool) {
	a, ok := km.by[key]
	return a, ok
}

// cheatSheet lists every binding, the label keys of the current schema and
// the global shortcuts.
func (w *workspace) cheatSheet() string {
	var b strings.Builder
	b.WriteString("LABELS (focused unit)\n")
	if w.schema != nil {
		for _, t := range w.schema.Tasks {
			var ls []string
			for _, l := range t.Labels {
				ls = append(ls, l.Key+" "+l.Value)
			}
			fmt.Fprintf(&b, "  %-20s %s\n", t.Name, strings.Join(ls, " · "))
		}
	}
	b.WriteString("\nWORKSPACE\n")
	for _, a := range remappable {
		fmt.Fprintf(&b, "  %-28s %s\n", strings.Join(w.keys.keys[a], ", "), a)
	}
	b.WriteString("\nSPANS (click a span, or drag over text to select)\n")
	for _, a := range []action{actPrevSpan, actNextSpan, actGrowEnd, actShrinkEnd, actGrowStart, actShrinkStrt, actEscape} {
		fmt.Fprintf(&b, "  %-28s %s\n", strings.Join(w.keys.keys[a], ", "), a)
	}
	b.WriteString("\nEVERYWHERE\n")
	for _, l := range [][2]string{{"Ctrl+Z", "undo (across documents and restarts)"}, {"Ctrl+Shift+Z, Ctrl+Y", "redo"},
		{"Ctrl+F", "search documents"}, {"Ctrl+plus, Ctrl+minus", "text size"}, {"Ctrl+O, Ctrl+I", "import a file, import a path"},
		{"Ctrl+Q", "quit (everything is already saved)"}} {
		fmt.Fprintf(&b, "  %-28s %s\n", l[0], l[1])
	}
	return b.String()
}

func (w *workspace) showCheatSheet() {
	text := widget.NewLabel(w.cheatSheet())
	text.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(640, 480))
	d := dialog.NewCustom("Keyboard (Escape closes)", "Close", scroll, w.ui.win)
	w.ui.showModal(d)
}

// showKeySettings lets the user rebind the workspace's keys.
func (w *workspace) showKeySettings() {
	form := widget.NewForm()
	entries := map[action]*widget.Entry{}
	acts := remappable
	for _, a := range acts {
		e := widget.NewEntry()
		e.SetText(strings.Join(w.keys.keys[a], " "))
		entries[a] = e
		form.Append(string(a), e)
	}
	scroll := container.NewVScroll(form)
	scroll.SetMinSize(fyne.NewSize(560, 420))
	d := dialog.NewCustomConfirm("Keys (separate several with spaces)", "Save", "Cancel", scroll, func(ok bool) {
		defer w.refocus()
		if !ok {
			return
		}
		for _, a := range acts {
			if err := w.keys.set(w.ui.app.Preferences(), a, entries[a].Text); err != nil {
				w.ui.showError(err)
				return
			}
		}
	}, w.ui.win)
	d.Show()
}

// modifiers tracks Shift and Ctrl for a focusable widget (Fyne reports
// named keys without them): embed it to get KeyDown and KeyUp.
type modifiers struct{ shift, ctrl bool }

// KeyDown tracks modifiers.
func (m *modifiers) KeyDown(ev *fyne.KeyEvent) { m.track(ev, true) }

// KeyUp tracks modifiers.
func (m *modifiers) KeyUp(ev *fyne.KeyEvent) { m.track(ev, false) }

func (m *modifiers) track(ev *fyne.KeyEvent, down bool) {
	switch ev.Name {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight:
		m.shift = down
	case desktop.KeyControlLeft, desktop.KeyControlRight:
		m.ctrl = down
	}
}

// keyName names a key with the modifier held: "Ctrl+Left", "Shift+Tab".
func (m *modifiers) keyName(ev *fyne.KeyEvent) string {
	switch {
	case m.ctrl:
		return "Ctrl+" + string(ev.Name)
	case m.shift:
		return "Shift+" + string(ev.Name)
	}
	return string(ev.Name)
}
