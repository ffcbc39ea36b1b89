package format

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// page builds a saved news page: navigation, an article of several
// paragraphs (with a <br> and inline markup), an aside and a footer.
func page(head, before string) string {
	para := func(s string) string {
		return "<p>\n   " + s + " The company said the decision followed months of talks with regulators, " +
			"suppliers and the unions that represent its warehouse staff across the country.  </p>\n"
	}
	return before + `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>India tightens e-commerce rules | Example News</title>
` + head + `
<meta name="author" content="Jane Doe">
</head><body>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/biz">Business</a></li></ul></nav>
<div id="main"><article>
<h1>India tightens e-commerce rules</h1>
` + para("Amazon and Walmart-owned Flipkart face new limits in India.") +
		para("“This is classic Trump trade strategy,” said a Washington-based trade attorney.") +
		`<p>First line of an address<br>second line of it, after a break, with <b>bold</b> and <a href="/x">a link</a> inside.</p>
<p>&nbsp;</p><p>   </p>
` + para("Shares of Amazon (NASDAQ: AMZN) fell 2% in early trading.") +
		para("Analysts expect further rules before the end of the year.") + `
</article></div>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/1">Other story</a></li></ul></aside>
<footer class="footer">© Example News. <a href="/privacy">Privacy</a></footer>
</body></html>`
}

func TestHTML(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "saved.html", []byte(page(`<link rel="canonical" href="https://news.example.com/2019/india-rules">
<meta property="og:url" content="https://m.example.com/other">`, "")))
	d := mustRead(t, p, Options{})[0]
	t.Logf("title %q\ntext:\n%s", d.Title, d.Text)
	if d.URL != "https://news.example.com/2019/india-rules" {
		t.Errorf("URL %q", d.URL)
	}
	if !strings.Contains(d.Title, "India tightens e-commerce rules") {
		t.Errorf("title %q", d.Title)
	}
	if d.Source != p || d.Meta["byline"] != "Jane Doe" {
		t.Errorf("doc %+v", d)
	}
	for _, want := range []string{
		"Amazon and Walmart-owned Flipkart face new limits in India. The company said",
		"\n\n“This is classic Trump trade strategy,” said",
		"First line of an address\nsecond line of it, after a break, with bold and a link inside.",
		"(NASDAQ: AMZN)",
	} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, d.Text)
		}
	}
	for _, bad := range []string{"Most read", "Privacy", "Home", "\n\n\n", " \n", "\n ", "\u00a0\n"} {
		if strings.Contains(d.Text, bad) {
			t.Errorf("text has %q:\n%q", bad, d.Text)
		}
	}
	if d.Text != strings.TrimSpace(d.Text) {
		t.Errorf("text not trimmed: %q", d.Text)
	}
	if n := strings.Count(d.Text, "\n\n"); n < 4 {
		t.Errorf("%d paragraph breaks in %q", n, d.Text)
	}

	// og:url when there is no canonical link.
	p = write(t, dir, "og.htm", []byte(page(`<meta property="og:url" content="https://news.example.com/og">`, "")))
	if d := mustRead(t, p, Options{})[0]; d.URL != "https://news.example.com/og" {
		t.Errorf("og URL %q", d.URL)
	}

	// The comment browsers write when saving a page, and a relative canonical
	// resolved against it.
	saved := "<!-- saved from url=(0043)https://www.example.com/news/story-1.html -->\r\n"
	p = write(t, dir, "comment.html", []byte(page("", saved)))
	if d := mustRead(t, p, Options{})[0]; d.URL != "https://www.example.com/news/story-1.html" {
		t.Errorf("saved-from URL %q", d.URL)
	}
	p = write(t, dir, "relative.html", []byte(page(`<link rel="canonical" href="/news/canonical">`, saved)))
	if d := mustRead(t, p, Options{})[0]; d.URL != "https://www.example.com/news/canonical" {
		t.Errorf("relative canonical URL %q", d.URL)
	}

	// No URL at all: none is invented.
	p = write(t, dir, "nourl.html", []byte(page("", "")))
	if d := mustRead(t, p, Options{})[0]; d.URL != "" {
		t.Errorf("URL %q", d.URL)
	}

	// A declared legacy charset is decoded.
	latin := strings.Replace(page("", ""), `<meta charset="utf-8">`, `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, 1)
	latin = strings.Replace(latin, "Analysts expect", "Caf\xe9 analysts expect", 1)
	p = write(t, dir, "latin1.html", []byte(latin))
	if d := mustRead(t, p, Options{})[0]; !strings.Contains(d.Text, "Café analysts expect") {
		t.Errorf("latin-1 text: %q", d.Text)
	}
}

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"\n\n  a  \n\n\n\n b\n c \n\n":     "a\n\nb\nc",
		"a\u00a0\n \u00a0\n\nb":            "a\n\nb",
		"":                                 "",
		" \n \n":                           "",
		"one\ttab cell\t\n\n\n\ntwo\n\n\n": "one\ttab cell\n\ntwo",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLBad(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		line          int
		parts         []string
	}{
		{"empty.html", "", 0, []string{"empty file"}},
		{"blank.html", "\n  \n", 0, []string{"empty file"}},
		{"short.html", "<html><body><p>Just a caption of five words.</p></body></html>", 0, []string{"no article text", "6 words", "fewer than 20"}},
		{"noarticle.html", "<html><head><title>x</title></head><body></body></html>", 0, []string{"no article text"}},
		{"scriptonly.html", "<html><body><script>var x = 1;</script><nav><a href='/'>Home</a></nav></body></html>", 0, []string{"no article text"}},
		{"latin1-undeclared.html", "<html><body>\n<p>Caf\xe9</p></body></html>", 2, []string{"invalid UTF-8", "0xe9"}},
		{"binary.html", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", 3, []string{"NUL", "image/png"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name, []byte(c.content))
			_, err := readAll(t, p, Options{})
			wantErr(t, err, p, c.line, c.parts...)
		})
	}
	p := write(t, dir, "none.html", []byte("<html><body></body></html>"))
	if _, err := readAll(t, p, Options{}); !errors.Is(err, ErrNoArticle) {
		t.Errorf("%v is not ErrNoArticle", err)
	}
}

// A page nested deeper than any article is refused at once, naming it,
// where parsing it would take minutes; sloppy real pages (unclosed <p> and
// <li>) are not.
func TestHTMLTooDeep(t *testing.T) {
	dir := t.TempDir()
	deep := write(t, dir, "deep.html", []byte("<html><body>"+strings.Repeat("<div>", 30000)+"hi"+strings.Repeat("</div>", 30000)+"</body></html>"))
	start := time.Now()
	_, err := readAll(t, deep, Options{})
	wantErr(t, err, deep, 0, "nests elements more than 1000 deep")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v", d)
	}
	var b strings.Builder
	b.WriteString("<html><body><ul>")
	for i := range 3000 {
		fmt.Fprintf(&b, "<li><p>Item %d of a long list, left unclosed as old pages do", i)
	}
	b.WriteString("</ul></body></html>")
	if d := htmlDepth([]byte(b.String()), MaxHTMLDepth); d > 10 {
		t.Errorf("unclosed <li> and <p> counted %d deep", d)
	}
}
