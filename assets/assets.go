// Package assets holds what Slant embeds in its binary: the icon, the
// default label schema and the sample article every new project starts
// with. It imports nothing, so every layer may use it.
package assets

import (
	_ "embed"
)

// SampleArticle is the bundled sample news article (UTF-8, LF line ends).
//
//go:embed sample/us-india-ecommerce.txt
var SampleArticle []byte

// SampleTitle is the sample article's title in a new project.
const SampleTitle = "US to press India for e-commerce access (sample)"

// IconPNG is the application icon (256×256 PNG).
//
//go:embed icon.png
var IconPNG []byte
