package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/slant-annotate/slant/app/ops"
)

func init() {
	c := Command{
		Name:    "import",
		Args:    "[--db FILE] [--text-field F] [--text-col C --title-col C --id-col C] [--annotator NAME | --annotator-from-suffix] [--follow-links] PATH...",
		Summary: "import articles from .txt, .jsonl, .csv and saved .html files, brat .ann annotations, and folders of them",
	}
	c.Run = func(env *Env, args []string) int { return runImport(env, &c, args) }
	Register(c)
}

func runImport(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	var opts ops.ImportOptions
	fs.StringVar(&opts.TextField, "text-field", "", "JSONL: the field holding the text (default: text, body or content)")
	fs.StringVar(&opts.TextCol, "text-col", "", "CSV: the column holding the text (default: text, body, content, document or article)")
	fs.StringVar(&opts.TitleCol, "title-col", "", "CSV: the column holding the title (default: title or headline)")
	fs.StringVar(&opts.IDCol, "id-col", "", "CSV: the column holding the article's own id (default: id)")
	fs.StringVar(&opts.Annotator, "annotator", "", "brat .ann files: the annotator whose work they are")
	fs.BoolVar(&opts.AnnotatorFromSuffix, "annotator-from-suffix", false, "brat .ann files: the annotator is the _<id> ending each file name (<article>_<id>.ann)")
	fs.BoolVar(&opts.FollowLinks, "follow-links", false, "follow symbolic links inside a folder that lead out of it (by default they are left out, and said)")
	paths, status := ParseFlags(fs, args)
	if status >= 0 {
		return status
	}
	if opts.Annotator != "" && opts.AnnotatorFromSuffix {
		fmt.Fprintln(env.Stderr, "slant import: give --annotator NAME or --annotator-from-suffix, not both")
		return 2
	}
	if len(paths) == 0 {
		fmt.Fprintln(env.Stderr, "slant import: name at least one file or folder")
		fs.Usage()
		return 2
	}
	project, ok := openProject(env, *db, false)
	if !ok {
		return 1
	}
	defer project.Close()
	// Ctrl-C stops between files: what is whole is kept, and said.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := newProgressBar(env, "importing")
	sum := ops.Import(ctx, project, paths, opts, func(p ops.ImportProgress) {
		bar.set(p.FilesDone, p.FilesTotal, filepath.Base(p.File))
	})
	bar.done()
	for _, err := range sum.Errors {
		fmt.Fprintln(env.Stderr, "slant import:", err)
	}
	for _, link := range sum.LeftOut {
		fmt.Fprintf(env.Stderr, "slant import: %s: a link leading out of the folder, not followed (--follow-links follows it)\n", link)
	}
	fmt.Fprintln(env.Stdout, sum.String())
	if sum.Failed > 0 {
		return 1
	}
	return 0
}

// progressBar draws one updating line on an interactive terminal and
// nothing otherwise, so piped output stays clean.
type progressBar struct {
	env   *Env
	label string
	shown bool
}

func newProgressBar(env *Env, label string) *progressBar { return &progressBar{env: env, label: label} }

func (b *progressBar) set(done, total int, item string) {
	if !b.env.Terminal || total == 0 {
		return
	}
	const width = 30
	filled := width * done / total
	if len(item) > 30 {
		item = item[:27] + "..."
	}
	fmt.Fprintf(b.env.Stderr, "\r%s [%s%s] %d/%d %-30s", b.label,
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, item)
	b.shown = true
}

func (b *progressBar) done() {
	if b.shown {
		fmt.Fprint(b.env.Stderr, "\r\033[K")
	}
}
