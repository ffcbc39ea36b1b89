package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/slant-annotate/slant/annotate"
)

// EachLayer gives each finished layer as ReadLayer does, whether from its
// digest or, without one, from its rows.
func TestEachLayerReadsLayersAsStored(t *testing.T) {
	ctx := context.Background()
	db, ids, anns := digestProject(t)
	check := func(how string) {
		t.Helper()
		var seen []int64
		err := db.EachLayer(ctx, anns[1].ID, []string{annotate.StatusDone}, func(doc annotate.Document, sha string, l *annotate.Layer) error {
			seen = append(seen, doc.ID)
			want, err := db.ReadLayer(ctx, doc.ID, anns[1].ID)
			if err != nil {
				return err
			}
			if doc.Text == "" || sha != doc.SHA256() || !reflect.DeepEqual(l.Targets, want.Targets) || !reflect.DeepEqual(l.Spans, want.Spans) ||
				!reflect.DeepEqual(l.Labels, want.Labels) || l.Status != want.Status {
				t.Errorf("%s: document %d's layer differs:\n%+v\nwant\n%+v", how, doc.ID, l, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(seen, ids) {
			t.Errorf("%s: documents %v, want %v", how, seen, ids)
		}
	}
	check("from digests")
	if err := db.DropDigests(ctx); err != nil {
		t.Fatal(err)
	}
	check("from rows")
}
