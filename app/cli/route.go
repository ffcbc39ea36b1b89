package cli

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
)

func init() {
	c := Command{Name: "version", Args: "", Summary: "print Slant's version (also: slant --version)"}
	c.Run = func(env *Env, args []string) int {
		fmt.Fprintln(env.Stdout, "slant", Version())
		return 0
	}
	Register(c)
}

// Version is Slant's version: the module's, or the commit it was built
// from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 && (v == "" || v == "(devel)") {
			v = "commit " + s.Value[:12]
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}

// globalFlags are the flags that may come before the command, as with
// git -C: they are the project and who is labelling.
var globalFlags = map[string]bool{"db": true, "annotator": true}

// Route reads a command line the way users write them: global flags
// (--db FILE, --annotator NAME) before or after the command. It returns
// the command's arguments (the global flags moved after its name), or,
// when there is no command, the window's (flags, then paths to import).
// A first word that is neither a command nor a path that exists is an
// unknown command, with the nearest one suggested.
func Route(args []string, exists func(string) bool) (command []string, window []string, err error) {
	var globals []string
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--version" || a == "-version" {
			return []string{"version"}, nil, nil
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !globalFlags[name] {
			break
		}
		if hasValue {
			globals = append(globals, "--"+name, value)
			i++
			continue
		}
		if i+1 >= len(args) {
			return nil, nil, fmt.Errorf("flag %s needs a value", a)
		}
		globals = append(globals, "--"+name, args[i+1])
		i += 2
	}
	rest := args[i:]
	if len(rest) == 0 {
		return nil, globals, nil
	}
	if Is(rest[0]) {
		if rest[0] == "help" || strings.HasPrefix(rest[0], "-") {
			return rest, nil, nil
		}
		return append(append([]string{rest[0]}, globals...), rest[1:]...), nil, nil
	}
	if strings.HasPrefix(rest[0], "-") || exists(rest[0]) {
		return nil, append(globals, rest...), nil
	}
	return nil, nil, fmt.Errorf("unknown command %q%s (and no file or folder of that name to open)", rest[0], suggest(rest[0]))
}

// suggest names the command nearest to name, if one is near.
func suggest(name string) string {
	best, bestD := "", 1<<30
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" || bestD > max(2, len(name)/3) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
