package ops

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/slant-annotate/slant/annotate/schema"
	"github.com/slant-annotate/slant/store"
)

// SchemaChange is what making a schema the project's did.
type SchemaChange struct {
	Version, OldVersion     int
	Added, Changed, Removed []string // task names
}

// Unchanged reports whether the schema was already the project's.
func (c SchemaChange) Unchanged() bool { return c.Version == c.OldVersion }

// Lines describes the change for a person, one line each.
func (c SchemaChange) Lines(source string) []string {
	if c.Unchanged() {
		return []string{fmt.Sprintf("schema unchanged: version %d is already this schema", c.Version)}
	}
	lines := []string{fmt.Sprintf("schema version %d stored (from %s; was version %d)", c.Version, source, c.OldVersion)}
	if len(c.Added) > 0 {
		lines = append(lines, "added tasks:   "+strings.Join(c.Added, ", "))
	}
	if len(c.Changed) > 0 {
		lines = append(lines, "changed tasks: "+strings.Join(c.Changed, ", "))
	}
	if len(c.Removed) > 0 {
		lines = append(lines, "removed tasks: "+strings.Join(c.Removed, ", "),
			"  Their labels are kept: they stay in the project and in exports, marked as from a removed task.")
	}
	return lines
}

// SetSchema makes s the project's schema as a new version (labels are
// never touched) and reports which tasks were added, changed and removed.
func SetSchema(ctx context.Context, db *store.DB, s *schema.Schema, source string) (SchemaChange, error) {
	old, oldVersion, err := db.Schema(ctx)
	if err == nil && oldVersion == 0 {
		err = errors.New("no schema version could be stored")
	}
	if err != nil {
		return SchemaChange{}, err
	}
	v, err := db.SetSchema(ctx, s, source)
	if err != nil {
		return SchemaChange{}, err
	}
	return SchemaChange{Version: v, OldVersion: oldVersion, Added: s.Removed(old), Changed: old.Changed(s), Removed: old.Removed(s)}, nil
}
