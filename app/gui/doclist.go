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
	db     *store.DB
	filter string
	count  int

	mu    sync.Mutex
	pages map[int][]store.DocSummary
	order []int // pages, least recently loaded first
}

func newDocPager(ctx context.Context, db *store.DB, filter string) (*docPager, error) {
	n, err := db.CountDocuments(ctx, filter)
	if err != nil {
		return nil, err
	}
	p := &docPager{db: db, filter: filter, count: n, pages: map[int][]store.DocSummary{}}
	if n > 0 {
		if _, err := p.page(ctx, 0); err != nil {
			return nil, err
		}
	}
	return p, nil
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
	rows, err := p.db.ListDocuments(ctx, p.filter, k*pageSize, pageSize)
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

// docList is the virtualised document list with its filter box.
type docList struct {
	ui     *UI
	list   *widget.List
	filter *widget.Entry
	pager  *docPager
	gen    int // bumps with each filter change; stale results are dropped
}

func newDocList(ui *UI) *docList {
	d := &docList{ui: ui, pager: &docPager{pages: map[int][]store.DocSummary{}}}
	d.filter = widget.NewEntry()
	d.filter.SetPlaceHolder("Filter: words in title or text")
	d.filter.OnChanged = func(string) { d.reload() }
	d.list = widget.NewList(
		func() int { return d.pager.count },
		func() fyne.CanvasObject {
			title := widget.NewLabel("Template title of a typical news article")
			title.Truncation = fyne.TextTruncateEllipsis
			words := widget.NewLabel("12345 words")
			words.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, nil, words, title)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			row, _ := d.pager.row(id)
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(row.Title)
			words := ""
			if row.ID != 0 {
				words = fmt.Sprintf("%d words", row.Words)
			}
			c.Objects[1].(*widget.Label).SetText(words)
		},
	)
	d.list.OnSelected = func(id widget.ListItemID) {
		if row, ok := d.pager.row(id); ok {
			ui.showDocument(row.ID)
		}
	}
	return d
}

// reload re-reads the list for the current filter in the background and
// swaps it in on the UI thread, unless a newer filter has superseded it.
func (d *docList) reload() {
	d.gen++
	gen, filter := d.gen, d.filter.Text
	go func() {
		p, err := newDocPager(context.Background(), d.ui.db, filter)
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
	p, err := newDocPager(context.Background(), d.ui.db, d.filter.Text)
	if err != nil {
		return err
	}
	d.apply(p)
	return nil
}

func (d *docList) apply(p *docPager) {
	d.pager = p
	d.list.UnselectAll()
	d.list.Refresh()
	d.ui.updateStatus()
}
