package gui

import (
	"context"
	"fmt"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/annotate/pretag"
	"github.com/slant-annotate/slant/app/ops"
)

// Highlight colours: translucent, so they read on light and dark themes.
var (
	labelColors = map[string]color.NRGBA{
		pretag.LabelPerson: {0x4c, 0x8d, 0xf6, 0x70},
		pretag.LabelOrg:    {0xf5, 0x9e, 0x0b, 0x70},
		pretag.LabelGPE:    {0x22, 0xc5, 0x5e, 0x70},
		pretag.LabelLoc:    {0x14, 0xb8, 0xa6, 0x70},
	}
	otherColor   = color.NRGBA{0x9c, 0xa3, 0xaf, 0x70}
	quoteColor   = color.NRGBA{0xa8, 0x55, 0xf7, 0x38}
	speakerColor = color.NRGBA{0xec, 0x48, 0x99, 0x70}
)

// highlightsFor turns a document's suggestions into highlights: quotes
// first (widest), then speakers and entity mentions drawn on top of them.
func highlightsFor(r *pretag.Result) []Highlight {
	if r == nil {
		return nil
	}
	hls := make([]Highlight, 0, len(r.Quotes)*2+len(r.Entities))
	for _, q := range r.Quotes {
		hls = append(hls, Highlight{Start: q.Start, End: q.End, Color: quoteColor})
		if q.Speaker != nil {
			hls = append(hls, Highlight{Start: q.Speaker.Start, End: q.Speaker.End, Color: speakerColor})
		}
	}
	for _, e := range r.Entities {
		c, ok := labelColors[e.Label]
		if !ok {
			c = otherColor
		}
		hls = append(hls, Highlight{Start: e.Start, End: e.End, Color: c})
	}
	return hls
}

// legend shows what each highlight colour means.
func legend() fyne.CanvasObject {
	item := func(name string, c color.Color) fyne.CanvasObject {
		swatch := canvas.NewRectangle(c)
		swatch.CornerRadius = 3
		swatch.SetMinSize(fyne.NewSize(14, 14))
		l := widget.NewLabel(name)
		l.Importance = widget.LowImportance
		return container.NewHBox(container.NewCenter(swatch), l)
	}
	return container.NewHBox(
		item("person", labelColors[pretag.LabelPerson]),
		item("organisation", labelColors[pretag.LabelOrg]),
		item("country/place", labelColors[pretag.LabelGPE]),
		item("location", labelColors[pretag.LabelLoc]),
		item("quote", quoteColor),
		item("speaker", speakerColor),
	)
}

// summarise describes a document's suggestions in one line.
func summarise(r *pretag.Result, tagged bool) string {
	if !tagged {
		return "not pre-tagged yet"
	}
	return fmt.Sprintf("%d targets · %d mentions · %d quotes", len(r.Targets), len(r.Entities), len(r.Quotes))
}

// pretagInBackground pre-tags every document not yet pre-tagged, showing
// progress in the status bar; the window stays responsive and the article
// on screen is redrawn once its suggestions exist. Runs one at a time.
func (u *UI) pretagInBackground() {
	if u.db.ReadOnly() {
		return
	}
	if u.pretagging {
		u.pretagAgain = true
		return
	}
	u.pretagging = true
	u.pretagBar.Show()
	u.pretagBar.SetValue(0)
	go func() {
		sum, err := ops.Pretag(context.Background(), u.db, ops.PretagOptions{}, func(done, total int) {
			fyne.Do(func() {
				u.pretagBar.Max = float64(total)
				u.pretagBar.SetValue(float64(done))
			})
		})
		fyne.Do(func() {
			u.pretagging = false
			u.pretagBar.Hide()
			if err != nil {
				u.showError(fmt.Errorf("pre-tagging: %w", err))
			}
			if sum.Documents > 0 {
				u.withWorkspace(func(w *workspace) { w.dropPrefetch() }) // it may predate the suggestions
				u.refreshArticle()
				u.updateStatus()
			}
			if u.pretagAgain {
				u.pretagAgain = false
				u.pretagInBackground()
			}
			if u.onPretagged != nil {
				u.onPretagged(sum)
			}
		})
	}()
}
