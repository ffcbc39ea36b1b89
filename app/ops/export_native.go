package ops

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/slant-annotate/slant/annotate"
	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/store"
)

// ExportNative writes every document of the project in the slant format
// (export.NativeDoc), one line each in document order: lossless, so that
// importing it into a new project and exporting again gives the same
// bytes.
func ExportNative(ctx context.Context, db *store.DB, w io.Writer, progress func(done, total int)) (ExportSummary, error) {
	sum := ExportSummary{Source: "every annotator and gold"}
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		return sum, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		n, err := db.NativeDoc(ctx, id)
		if err != nil {
			return sum, err
		}
		if err := enc.Encode(n); err != nil {
			return sum, fmt.Errorf("write document %d: %w", id, err)
		}
		sum.Records++
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	return sum, bw.Flush()
}

// nativeRecord reads a JSONL line of the slant format (read as a
// document, the rest of its fields in Meta), reporting whether it is one.
func nativeRecord(d annotate.Document) (export.NativeDoc, bool, error) {
	var n export.NativeDoc
	if f, _ := d.Meta["format"].(string); f != export.NativeFormat {
		return n, false, nil
	}
	data, err := json.Marshal(d.Meta)
	if err != nil {
		return n, true, fmt.Errorf("%s: %w", d.Source, err)
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return n, true, fmt.Errorf("%s: not a slant record: %w", d.Source, err)
	}
	if n.Version != export.NativeVersion {
		return n, true, fmt.Errorf("%s: slant format version %d; this Slant reads version %d", d.Source, n.Version, export.NativeVersion)
	}
	if d.SHA256() != n.SHA256 {
		return n, true, fmt.Errorf("%s: the text does not match its sha256 (changed since it was exported?)", d.Source)
	}
	return n, true, nil
}
