package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/slant-annotate/slant/assets"
)

// appIcon is the application icon.
var appIcon = fyne.NewStaticResource("slant.png", assets.IconPNG)

// slantTheme is Fyne's theme with the user's choices: light or dark, and a
// text scale (Ctrl+plus, Ctrl+minus), both remembered.
type slantTheme struct {
	base    fyne.Theme
	variant string  // "", "light" or "dark"
	scale   float32 // text size factor
}

func newSlantTheme(p fyne.Preferences) *slantTheme {
	return &slantTheme{
		base:    theme.DefaultTheme(),
		variant: p.String("theme"),
		scale:   float32(p.FloatWithFallback("textScale", 1)),
	}
}

func (t *slantTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch t.variant {
	case "light":
		v = theme.VariantLight
	case "dark":
		v = theme.VariantDark
	}
	return t.base.Color(n, v)
}

func (t *slantTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t *slantTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }

func (t *slantTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText:
		return s * t.scale
	}
	return s
}

func (t *slantTheme) setVariant(a fyne.App, v string) {
	t.variant = v
	a.Preferences().SetString("theme", v)
	a.Settings().SetTheme(t)
}

// zoom makes text larger (step > 0) or smaller, within reason.
func (t *slantTheme) zoom(a fyne.App, step int) {
	s := t.scale
	if step > 0 {
		s *= 1.1
	} else if step < 0 {
		s /= 1.1
	}
	t.scale = max(0.7, min(s, 2.2))
	a.Preferences().SetFloat("textScale", float64(t.scale))
	a.Settings().SetTheme(t)
}
