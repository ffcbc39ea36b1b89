// Slant is a desktop tool for labelling how news articles portray the people,
// companies and countries in them. With no arguments it opens the window;
// with a sub-command it runs the command line.
package main

import (
	_ "fyne.io/fyne/v2/app"
	_ "github.com/slant-annotate/slant/app/cli"
)

func main() {}
