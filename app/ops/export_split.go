package ops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/slant-annotate/slant/annotate/export"
	"github.com/slant-annotate/slant/store"
)

// SplitOptions split an export into files by document.
type SplitOptions struct {
	Splits []export.Split // from export.ParseSplits
	Seed   uint64
	// Command is the command line recorded in the manifest.
	Command string
}

// SplitSummary says what ExportSplits wrote.
type SplitSummary struct {
	ExportSummary
	Files  []string // the split files, then the manifest
	Groups int      // near-duplicate groups kept within one split
}

// Manifest is manifest.json beside the split files.
type Manifest struct {
	Format        string                   `json:"format"`
	Source        string                   `json:"source"`
	MinAgreement  float64                  `json:"min_agreement,omitempty"`
	Seed          uint64                   `json:"seed"`
	SchemaVersion int                      `json:"schema_version"`
	ProjectSHA256 string                   `json:"project_sha256"` // of the exported documents' SHA-256s, in order
	Command       string                   `json:"command"`
	Documents     int                      `json:"documents"`
	Records       int                      `json:"records"`
	NearDupGroups int                      `json:"near_duplicate_groups"`
	Splits        map[string]ManifestSplit `json:"splits"`
}

// ManifestSplit is one split's share and what it holds.
type ManifestSplit struct {
	File      string         `json:"file"`
	Share     float64        `json:"share"`
	Documents int            `json:"documents"`
	Labels    map[string]int `json:"labels"` // "task:value" → documents with it
}

// ExportSplits writes the export as one file per split in dir (created if
// need be), NAME.jsonl or NAME.csv, and manifest.json. Documents are
// split whole, never by sentence; near-duplicate articles (the same wire
// story in several outlets) fall in one split; document labels are
// stratified as far as that allows (export.Assign). The same seed gives
// the same files. Each file is written under a temporary name and renamed
// when whole. It reads the documents twice: to split them (holding their
// texts, for near-duplicates), then to write them.
func ExportSplits(ctx context.Context, db *store.DB, dir string, o ExportOptions, so SplitOptions) (SplitSummary, error) {
	var sum SplitSummary
	if err := o.check(); err != nil {
		return sum, err
	}
	if err := export.CheckFormat(o.Format); err != nil {
		return sum, err
	}
	if len(so.Splits) == 0 {
		return sum, fmt.Errorf("no splits given")
	}
	quiet := o
	quiet.Progress = nil
	// Pass 1: each document's text and labels (all of a document's records'
	// labels, for --all).
	var docs []export.SplitDoc
	at := map[int64]int{}
	shas := map[int64]string{}
	first, err := eachRecord(ctx, db, quiet, func(r export.Record, _, _ int) error {
		i, ok := at[r.DocID]
		if !ok {
			i = len(docs)
			at[r.DocID] = i
			docs = append(docs, export.SplitDoc{ID: r.DocID, Text: r.Text})
			shas[r.DocID] = r.SHA256
		}
		for _, l := range r.Labels {
			if key := l.Task + ":" + l.Value; !slices.Contains(docs[i].Labels, key) {
				docs[i].Labels = append(docs[i].Labels, key)
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	as, err := export.Assign(docs, so.Splits, so.Seed)
	if err != nil {
		return sum, err
	}
	sum.Groups = as.Groups
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sum, err
	}
	// Pass 2: each record into its document's split.
	ext := "." + export.Extension(o.Format)
	type out struct {
		tmp *os.File
		enc export.Encoder
	}
	outs := map[string]*out{}
	defer func() {
		for _, f := range outs {
			if f.tmp != nil {
				f.tmp.Close()
				os.Remove(f.tmp.Name())
			}
		}
	}()
	for _, s := range so.Splits {
		tmp, err := os.CreateTemp(dir, ".slant-export-*")
		if err != nil {
			return sum, err
		}
		enc, err := export.New(o.Format, tmp)
		if err != nil {
			return sum, err
		}
		outs[s.Name] = &out{tmp: tmp, enc: enc}
	}
	sum.ExportSummary, err = eachRecord(ctx, db, o, func(r export.Record, done, total int) error {
		if err := outs[as.Of[r.DocID]].enc.Write(r); err != nil {
			return fmt.Errorf("write document %d: %w", r.DocID, err)
		}
		if o.Progress != nil {
			o.Progress(done, total)
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if sum.Records != first.Records {
		return sum, fmt.Errorf("the project changed during the export (%d records, then %d): export again", first.Records, sum.Records)
	}
	_, version, err := db.Schema(ctx)
	if err != nil {
		return sum, err
	}
	ids := make([]int64, 0, len(shas))
	for id := range shas {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	h := sha256.New()
	for _, id := range ids {
		h.Write([]byte(shas[id]))
	}
	m := Manifest{Format: o.Format, Source: sum.Source, Seed: so.Seed, SchemaVersion: version, ProjectSHA256: hex.EncodeToString(h.Sum(nil)),
		Command: so.Command, Documents: len(docs), Records: sum.Records, NearDupGroups: as.Groups, Splits: map[string]ManifestSplit{}}
	if o.Majority {
		m.MinAgreement = o.MinAgreement
	}
	for _, s := range so.Splits {
		f := outs[s.Name]
		if err := f.enc.Close(); err != nil {
			return sum, err
		}
		if err := f.tmp.Close(); err != nil {
			return sum, err
		}
		name := filepath.Join(dir, s.Name+ext)
		if err := os.Rename(f.tmp.Name(), name); err != nil {
			return sum, err
		}
		f.tmp = nil
		sum.Files = append(sum.Files, name)
		m.Splits[s.Name] = ManifestSplit{File: s.Name + ext, Share: s.Share, Documents: as.Docs[s.Name], Labels: as.Counts[s.Name]}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return sum, err
	}
	manifest := filepath.Join(dir, "manifest.json")
	tmp := manifest + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return sum, err
	}
	if err := os.Rename(tmp, manifest); err != nil {
		os.Remove(tmp)
		return sum, err
	}
	sum.Files = append(sum.Files, manifest)
	return sum, nil
}

// NearDuplicates groups the project's near-duplicate documents (the same
// wire story in several outlets, lightly edited), by id: what an export's
// splits keep together.
func NearDuplicates(ctx context.Context, db *store.DB) ([][]int64, error) {
	var docs []export.SplitDoc
	if err := db.EachText(ctx, func(id int64, text string) error {
		docs = append(docs, export.SplitDoc{ID: id, Text: text})
		return nil
	}); err != nil {
		return nil, fmt.Errorf("near-duplicates: %w", err)
	}
	return export.NearDuplicates(docs), nil
}
