package cli_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// slant check finds nothing wrong in a sound project, and names what is
// wrong in a damaged one, with exit status 1; slant backup copies a
// project another writer has open, and the copy checks sound.
func TestCheckAndBackup(t *testing.T) {
	db := newProjectPath(t)
	mustSlant(t, nil, "pretag", "--db", db)
	if out := mustSlant(t, nil, "check", "--db", db); !strings.Contains(out, "ok: integrity, search index and spans") {
		t.Errorf("check: %s", out)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.slant")
	if _, errOut, code := runSlant(t, nil, "backup", "--db", db, copyPath); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if fi, err := os.Stat(copyPath); err != nil || fi.Mode() != 0o600 {
		t.Errorf("backup file: %v %v", fi, err)
	}
	if _, errOut, code := runSlant(t, nil, "backup", "--db", db, copyPath); code != 1 || !strings.Contains(errOut, "it exists") {
		t.Errorf("backup over a file: %d %s", code, errOut)
	}
	if out := mustSlant(t, nil, "check", "--db", copyPath); !strings.Contains(out, "ok:") {
		t.Errorf("check of the copy: %s", out)
	}
	// A span stored past its text (written behind Slant's back).
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE suggested_spans SET end = end + 100000 WHERE id = (SELECT min(id) FROM suggested_spans)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	out, errOut, code := runSlant(t, nil, "check", "--db", db)
	if code != 1 || !strings.Contains(out, "spans: document 1: suggested span") || !strings.Contains(errOut, "1 problems") {
		t.Errorf("check of a damaged project: exit %d\n%s\n%s", code, out, errOut)
	}
}

// slant restore puts the newest automatic backup in place, keeping the
// damaged project beside it; without a backup it says where it looked.
func TestRestore(t *testing.T) {
	db := newProjectPath(t)
	if _, errOut, code := runSlant(t, nil, "restore", "--db", db); code != 1 || !strings.Contains(errOut, "no automatic backup") {
		t.Errorf("restore without a backup: %d %s", code, errOut)
	}
	mustSlant(t, nil, "pretag", "--db", db)
	backups := filepath.Join(filepath.Dir(db), "."+filepath.Base(db)+".backups")
	os.MkdirAll(backups, 0o700)
	mustSlant(t, nil, "backup", "--db", db, filepath.Join(backups, "2026-12-01T000000Z.slant"))
	os.WriteFile(db, []byte("not a project any more"), 0o600)
	_, errOut, code := runSlant(t, nil, "restore", "--db", db)
	if code != 0 || !strings.Contains(errOut, "the project as it was is kept as "+db+".damaged-") {
		t.Fatalf("restore: %d %s", code, errOut)
	}
	if out := mustSlant(t, nil, "check", "--db", db); !strings.Contains(out, "ok:") {
		t.Errorf("after restoring: %s", out)
	}
}
