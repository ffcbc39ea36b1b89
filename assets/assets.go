// Package assets holds what Slant embeds in its binary: the icon and the
// sample article every new project starts with.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// SampleArticle is the bundled sample news article (UTF-8, LF line ends).
//
//go:embed sample/us-india-ecommerce.txt
var SampleArticle []byte

// SampleTitle is the sample article's title in a new project.
const SampleTitle = "US to press India for e-commerce access (sample)"

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon.
var Icon = fyne.NewStaticResource("slant.png", iconPNG)
