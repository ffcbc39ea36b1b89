package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/slant-annotate/slant/annotate/review"
	"github.com/slant-annotate/slant/app/ops"
	"github.com/slant-annotate/slant/app/report"
)

// writeReport writes the HTML report to path, through a temporary file
// beside it, so that a failed write never leaves half a report.
func writeReport(path, project string, rep *review.Report, o ops.AgreementOptions) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".slant-report-*.html")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	tmp.Chmod(0o644) // a report is for sharing, unlike CreateTemp's private default
	meta := report.Meta{Project: project, Made: time.Now(), IncludeInProgress: o.IncludeInProgress, Bootstrap: o.Bootstrap, Seed: o.Seed}
	if err := report.WriteHTML(tmp, rep, meta); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
