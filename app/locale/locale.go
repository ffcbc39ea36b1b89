// Package locale gives the process a usable locale before Fyne reads it.
//
// Fyne parses $LANG when its lang package initialises and logs an error for
// "C" or "C.UTF-8", the default on servers and in containers, even when
// Slant only runs a command. Go initialises packages in import-path order
// once their imports are ready, and this package needs only os, so main
// imports it to run before Fyne's translations are set up.
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		base, _, _ := strings.Cut(v, ".")
		if base == "C" || base == "POSIX" {
			os.Setenv(name, "en_US.UTF-8")
		}
	}
	if os.Getenv("LANG") == "" && os.Getenv("LC_ALL") == "" {
		os.Setenv("LANG", "en_US.UTF-8")
	}
}
