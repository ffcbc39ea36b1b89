package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

func init() {
	c := Command{
		Name:    "show",
		Args:    "[--db FILE] [--json] ID",
		Summary: "print a document's stored text exactly (--json adds title, source and metadata)",
	}
	c.Run = func(env *Env, args []string) int { return runShow(env, &c, args) }
	Register(c)
}

func runShow(env *Env, c *Command, args []string) int {
	fs := NewFlags(env, c)
	db := projectFlag(fs)
	asJSON := fs.Bool("json", false, "print a JSON object with the text and what is known about the document")
	rest, status := ParseArgs(fs, args, 1)
	if status >= 0 {
		return status
	}
	id, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil {
		fmt.Fprintf(env.Stderr, "slant show: %q is not a document id (see slant list)\n", rest[0])
		return 2
	}
	project, ok := openProject(env, *db, true)
	if !ok {
		return 1
	}
	defer project.Close()
	doc, err := project.Document(context.Background(), id)
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant show:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		err = enc.Encode(struct {
			ID         int64          `json:"id"`
			Title      string         `json:"title"`
			ExternalID string         `json:"external_id,omitempty"`
			Source     string         `json:"source"`
			URL        string         `json:"url,omitempty"`
			SHA256     string         `json:"sha256"`
			Meta       map[string]any `json:"meta,omitempty"`
			Text       string         `json:"text"`
		}{doc.ID, doc.Title, doc.ExternalID, doc.Source, doc.URL, doc.SHA256(), doc.Meta, doc.Text})
	} else {
		_, err = io.WriteString(env.Stdout, doc.Text)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "slant show:", err)
		return 1
	}
	return 0
}
