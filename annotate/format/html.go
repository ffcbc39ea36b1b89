package format

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	nurl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/slant-annotate/slant/annotate"
)

// MinArticleWords is the fewest words of extracted text that count as an
// article: below it, readability has found a menu or a caption, not a story.
const MinArticleWords = 20

// ErrNoArticle is wrapped by the error for a page with no article text.
var ErrNoArticle = errors.New("no article text found in the page")

// readHTML reads a saved web page as one document: the main article text as
// go-readability finds it, rendered with paragraph breaks ("\n\n" between
// blocks, "\n" for <br> and line-level blocks), each line trimmed and runs
// of blank lines collapsed. The title is the page's article title (or the
// file name), the URL the page's canonical URL, og:url, or the "saved from
// url" comment browsers write. Byline, site name, language and dates, when
// the page has them, go to Meta.
//
// The page must be UTF-8, unless it starts with a UTF-16 byte-order mark
// or declares another charset in a <meta> tag, in which case it is decoded
// from that charset.
func readHTML(r io.Reader, name string, emit func(annotate.Document) error) error {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxHTMLBytes {
			return &Error{File: name, Err: tooLarge("the page", st.Size(), MaxHTMLBytes, "per page")}
		}
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxHTMLBytes+1))
	if err != nil {
		return &Error{File: name, Err: pathErr(err)}
	}
	if len(raw) > MaxHTMLBytes {
		return &Error{File: name, Err: tooLarge("the page", int64(len(raw)), MaxHTMLBytes, "per page")}
	}
	if len(raw) == 0 {
		return &Error{File: name, Err: ErrEmpty}
	}
	if isBlank(string(raw)) {
		return &Error{File: name, Err: fmt.Errorf("%w (only white space)", ErrEmpty)}
	}
	// The parser's time grows with the square of the nesting: a hostile
	// page of 30,000 nested <div>s would take minutes. Real pages nest a
	// few dozen deep.
	if d := htmlDepth(raw, MaxHTMLDepth); d > MaxHTMLDepth {
		return &Error{File: name, Err: fmt.Errorf("the page nests elements more than %d deep; no article does", MaxHTMLDepth)}
	}
	src, err := decodePage(raw)
	if err != nil {
		var te *annotate.TextError
		if errors.As(err, &te) {
			return &Error{File: name, Line: te.Line, Err: te}
		}
		return &Error{File: name, Err: err}
	}
	doc, err := html.Parse(src)
	if err != nil {
		return &Error{File: name, Err: fmt.Errorf("cannot parse HTML: %v", err)}
	}
	pageURL := findPageURL(doc)
	base := pageURL
	if base == nil {
		abs, err := filepath.Abs(name)
		if err != nil {
			abs = name
		}
		base = &nurl.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	}
	parser := readability.NewParser()
	article, err := parser.ParseAndMutate(doc, base)
	if err != nil {
		return &Error{File: name, Err: fmt.Errorf("%w: %v", ErrNoArticle, err)}
	}
	if article.Node == nil {
		return &Error{File: name, Err: ErrNoArticle}
	}
	text := cleanText(render.InnerText(article.Node))
	if text == "" {
		return &Error{File: name, Err: ErrNoArticle}
	}
	if n := annotate.Words(text); n < MinArticleWords {
		return &Error{File: name, Err: fmt.Errorf("%w: what is left is %s (%.40q), fewer than %d",
			ErrNoArticle, plural(n, "word"), text, MinArticleWords)}
	}
	if text, err = checkedText("the article text", text); err != nil {
		return &Error{File: name, Err: err}
	}
	d := annotate.Document{
		Title:  strings.Join(strings.Fields(article.Title()), " "),
		Text:   text,
		Source: name,
	}
	if d.Title == "" {
		d.Title = fileTitle(name)
	}
	if pageURL != nil {
		d.URL = pageURL.String()
	}
	meta := map[string]any{}
	for k, v := range map[string]string{
		"byline":    article.Byline(),
		"site_name": article.SiteName(),
		"language":  article.Language(),
	} {
		if v = strings.Join(strings.Fields(v), " "); v != "" {
			meta[k] = v
		}
	}
	if t, err := article.PublishedTime(); err == nil {
		meta["published"] = t.Format(time.RFC3339)
	}
	if t, err := article.ModifiedTime(); err == nil {
		meta["modified"] = t.Format(time.RFC3339)
	}
	if len(meta) > 0 {
		d.Meta = meta
	}
	if err := emit(d); err != nil {
		return emitErr(name, 0, err)
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

var metaCharset = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)`)

// decodePage returns a reader of the page as UTF-8, refusing NUL bytes and
// invalid UTF-8 in a page that declares no other charset.
func decodePage(raw []byte) (io.Reader, error) {
	if bytes.HasPrefix(raw, []byte{0xff, 0xfe}) || bytes.HasPrefix(raw, []byte{0xfe, 0xff}) {
		e, _, _ := charset.DetermineEncoding(raw, "text/html")
		return e.NewDecoder().Reader(bytes.NewReader(raw)), nil
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	err := annotate.CheckText(raw)
	if err == nil {
		return bytes.NewReader(raw), nil
	}
	if bytes.IndexByte(raw, 0) < 0 {
		head := raw[:min(len(raw), 4096)]
		if m := metaCharset.FindSubmatch(head); m != nil {
			if e, name := charset.Lookup(string(m[1])); e != nil && name != "utf-8" {
				return e.NewDecoder().Reader(bytes.NewReader(raw)), nil
			}
		}
	}
	return nil, err
}

var savedFrom = regexp.MustCompile(`saved from url=\(\d+\)\s*(\S+)`)

// findPageURL returns the page's own address: <link rel=canonical>, then
// <meta property=og:url>, then the "saved from url" comment, keeping only
// absolute http(s) URLs (a relative canonical is resolved against the
// others).
func findPageURL(doc *html.Node) *nurl.URL {
	var canonical, og, saved string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			if m := savedFrom.FindStringSubmatch(n.Data); m != nil && saved == "" {
				saved = m[1]
			}
		case html.ElementNode:
			switch n.Data {
			case "link":
				if canonical == "" && hasToken(attr(n, "rel"), "canonical") {
					canonical = strings.TrimSpace(attr(n, "href"))
				}
			case "meta":
				if og == "" && (strings.EqualFold(attr(n, "property"), "og:url") || strings.EqualFold(attr(n, "name"), "og:url")) {
					og = strings.TrimSpace(attr(n, "content"))
				}
			case "body":
				// canonical and og:url live in <head>; only comments
				// matter further down, and browsers put theirs first.
				if canonical != "" || og != "" || saved != "" {
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var base *nurl.URL
	for _, s := range []string{og, saved} {
		if u := absHTTP(s, nil); u != nil {
			base = u
			break
		}
	}
	for _, s := range []string{canonical, og, saved} {
		if u := absHTTP(s, base); u != nil {
			return u
		}
	}
	return nil
}

func absHTTP(s string, base *nurl.URL) *nurl.URL {
	if s == "" {
		return nil
	}
	u, err := nurl.Parse(s)
	if err != nil {
		return nil
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// cleanText trims white space from every line, keeps at most one blank line
// between paragraphs, and drops blank lines at the start and the end.
func cleanText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

// MaxHTMLDepth is how deep a page's elements may nest.
const MaxHTMLDepth = 1000

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true, "keygen": true}

// impliedEnd are elements a new one of the same name closes (<p>…<p>,
// <li>…<li>), as the parser closes them.
var impliedEnd = map[string]bool{"p": true, "li": true, "dt": true, "dd": true, "tr": true, "td": true, "th": true,
	"option": true, "optgroup": true, "rb": true, "rt": true, "rp": true}

// htmlDepth is how deep raw's elements nest, in one pass of the
// tokenizer, stopping once past limit.
func htmlDepth(raw []byte, limit int) int {
	z := html.NewTokenizer(bytes.NewReader(raw))
	var stack []string
	deepest := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return deepest
		case html.StartTagToken:
			b, _ := z.TagName()
			name := string(b)
			if voidElements[name] {
				continue
			}
			if impliedEnd[name] { // a new <li> closes the open one, and the <p> inside it
				for i := len(stack) - 1; i >= 0 && i >= len(stack)-8; i-- {
					if stack[i] == name {
						stack = stack[:i]
						break
					}
				}
			}
			stack = append(stack, name)
			if deepest = max(deepest, len(stack)); deepest > limit {
				return deepest
			}
		case html.EndTagToken:
			b, _ := z.TagName()
			name := string(b)
			// Close up to the nearest open element of that name (looking
			// only a little way down: misnested pages are shallow).
			for i := len(stack) - 1; i >= 0 && i >= len(stack)-16; i-- {
				if stack[i] == name {
					stack = stack[:i]
					break
				}
			}
		}
	}
}
