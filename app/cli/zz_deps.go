package cli

import (
	_ "codeberg.org/readeck/go-readability/v2"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "github.com/BurntSushi/toml"
	_ "github.com/jdkato/prose/v2"
	_ "modernc.org/sqlite"
)
