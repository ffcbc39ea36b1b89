package assets

import _ "embed"

// DefaultSchema is the label schema a project starts with (TOML, with
// comments that explain the format; see annotate/schema).
//
//go:embed schema.toml
var DefaultSchema []byte
