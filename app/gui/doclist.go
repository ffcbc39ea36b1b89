package gui

import (
	"context"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/slant-annotate/slant/store"
)

// pageSize is how many list rows are read from SQLite at a time.
const pageSize = 100

// maxPages bounds the pages kept in memory, so the window's memory does not
// grow with the number of documents however far the user scrolls.
const maxPages = 8

// docPager serves list rows from SQLite a page at a time, for one filter.
type docPager struct {
	db    *store.DB
	query store.DocQuery
	count int

	mu    sync.Mutex
	pages map[int][]store.DocSummary
	order []int // pages, least recently loaded first
}

func newDocPager(ctx context.Context, db *store.DB, q store.DocQuery) (*docPager, error) {
	n, err := db.CountDocs(ctx, q)
	if err != nil {
		return nil, err
	}
	p := &docPager{db: db, query: q, count: n, pages: map[int][]store.DocSummary{}}
	if n > 0 {
		if _, err := p.page(ctx, 0); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// patch changes the status of a cached row and returns its index.
func (p *docPager) patch(id int64, status string) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, rows := range p.pages {
		for j := range rows {
			if rows[j].ID == id {
				rows[j].Status = status
				return k*pageSize + j, true
			}
		}
	}
	return 0, false
}

// row returns row i, reading its page if it is not in memory.
func (p *docPager) row(i int) (store.DocSummary, bool) {
	rows, err := p.page(context.Background(), i/pageSize)
	if err != nil || i%pageSize >= len(rows) {
		return store.DocSummary{}, false
	}
	return rows[i%pageSize], true
}

func (p *docPager) page(ctx context.Context, k int) ([]store.DocSummary, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rows, ok := p.pages[k]; ok {
		return rows, nil
	}
	rows, err := p.db.ListDocs(ctx, p.query, k*pageSize, pageSize)
	if err != nil {
		return nil, err
	}
	if len(p.order) >= maxPages {
		delete(p.pages, p.order[0])
		p.order = p.order[1:]
	}
	p.pages[k] = rows
	p.order = append(p.order, k)
	return rows, nil
}

// docList is the virtualised document list with its filters.
type docList struct {
	ui       *UI
	list     *widget.List
	filter   *widget.Entry
	target   *widget.Entry
	status   *widget.Select
	controls fyne.CanvasObject
	pager    *docPager
	gen      int   // bumps with each filter change; stale results are dropped
	selected int64 // the document shown
	quiet    bool  // selecting from code, not by the user
}

// statusFilters are the choices of the status filter; the first shows all.
var statusFilters = []string{"all documents", store.StatusToDo, "in progress", "done", "skipped"}

// query is what the filters select, for the current annotator.
func (d *docList) query() store.DocQuery {
	q := store.DocQuery{Filter: d.filter.Text, Target: d.target.Text}
	if d.ui.ws != nil {
		q.Annotator = d.ui.ws.ann.ID
		if s := d.status.Selected; s != statusFilters[0] {
			q.Status = s
		}
	}
	return q
}

func newDocList(ui *UI) *docList {
	d := &docList{ui: ui, pager: &docPager{pages: map[int][]store.DocSummary{}}}
	d.filter = widget.NewEntry()
	d.filter.SetPlaceHolder("Search title and text (Ctrl+F)")
	d.filter.OnChanged = func(string) { d.reload() }
	d.filter.OnSubmitted = func(string) { d.ui.refocus() }
	d.target = widget.NewEntry()
	d.target.SetPlaceHolder("Target, e.g. Amazon")
	d.target.OnChanged = func(string) { d.reload() }
	d.target.OnSubmitted = func(string) { d.ui.refocus() }
	d.status = widget.NewSelect(statusFilters, nil)
	d.status.SetSelectedIndex(0)
	d.status.OnChanged = func(string) { d.reload() } // after the first choice: the list does not exist yet
	d.controls = container.NewVBox(d.filter, container.NewGridWithColumns(2, d.status, d.target))
	d.list = widget.NewList(
		func() int { return d.pager.count },
		func() fyne.CanvasObject {
			title := widget.NewLabel("Template title of a typical news article")
			title.Truncation = fyne.TextTruncateClip // ellipsis re-shapes the text on every refresh
			words := widget.NewLabel("12345 words")
			words.Importance = widget.LowImportance
			status := widget.NewLabel("✓")
			return container.NewBorder(nil, nil, status, words, title)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row, _ := d.pager.row(id)
			c := o.(*fyne.Container)
			words := ""
			if row.ID != 0 {
				words = fmt.Sprintf("%d words", row.Words)
			}
			// Only what changed: a label refresh re-measures its text.
			setText(c.Objects[0].(*widget.Label), row.Title)
			setText(c.Objects[1].(*widget.Label), statusGlyph(row.Status))
			setText(c.Objects[2].(*widget.Label), words)
		},
	)
	d.list.OnSelected = func(id widget.ListItemID) {
		row, ok := d.pager.row(id)
		if !ok || d.quiet || row.ID == d.selected {
			return
		}
		d.selected = row.ID
		ui.showDocument(row.ID)
	}
	return d
}

// statusGlyph marks a document's status in the list.
func statusGlyph(status string) string {
	switch status {
	case "done":
		return "✓"
	case "in progress":
		return "●"
	case "skipped":
		return "↷"
	}
	return "○"
}

// selectID selects a document in the list without reopening it.
func (d *docList) selectID(id int64) bool {
	d.selected = id
	i, ok, err := d.ui.db.DocIndex(context.Background(), d.pager.query, id)
	if err != nil || !ok {
		d.list.UnselectAll()
		return false
	}
	d.quiet = true
	d.list.Select(i)
	d.quiet = false
	return true
}

// setStatus shows a document's new status: the cached row is patched and
// redrawn, unless a status filter is on (then the list itself changes).
func (d *docList) setStatus(id int64, status string) {
	if d.status.Selected != statusFilters[0] {
		if err := d.reloadNow(); err != nil {
			d.ui.showError(err)
		}
		return
	}
	if i, ok := d.pager.patch(id, status); ok {
		d.list.RefreshItem(i)
	}
}

// reload re-reads the list for the current filter in the background and
// swaps it in on the UI thread, unless a newer filter has superseded it.
func (d *docList) reload() {
	d.gen++
	gen, q := d.gen, d.query()
	go func() {
		p, err := newDocPager(context.Background(), d.ui.db, q)
		fyne.Do(func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.ui.showError(err)
				return
			}
			d.apply(p)
		})
	}()
}

// reloadNow re-reads the list synchronously (on the UI thread): for the
// first frame and after imports, where showing stale rows would be wrong.
func (d *docList) reloadNow() error {
	d.gen++
	p, err := newDocPager(context.Background(), d.ui.db, d.query())
	if err != nil {
		return err
	}
	d.apply(p)
	return nil
}

func (d *docList) apply(p *docPager) {
	d.pager = p
	d.list.Refresh()
	// The open document stays in view when the new list holds it; else
	// the list starts at its top, not where the old one was scrolled to.
	if d.selected == 0 || !d.selectID(d.selected) {
		d.list.ScrollToTop()
	}
	d.ui.updateStatus()
}
