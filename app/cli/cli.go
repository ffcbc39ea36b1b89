// Package cli is Slant's command line. Each sub-command lives in a file of
// its own and registers itself with Register; all real work is done by the
// same functions the GUI calls.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Env is what a command may touch of the outside world, so that tests can
// run commands in-process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Terminal reports whether Stderr is an interactive terminal (progress
	// bars are drawn only there).
	Terminal bool
}

// OSEnv is the process's real environment.
func OSEnv() *Env {
	term := false
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		term = true
	}
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Terminal: term}
}

// Command is one sub-command.
type Command struct {
	Name    string // as typed: "import"
	Args    string // synopsis after the name: "[--db FILE] PATH..."
	Summary string // one line for the help listing
	// Run executes the command and returns the process exit status.
	Run func(env *Env, args []string) int
}

var commands = map[string]Command{}

// Register adds a command; each command file calls it from init.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Is reports whether name is a sub-command (or a request for help), so that
// main can tell the command line from a GUI launch.
func Is(name string) bool {
	_, ok := commands[name]
	return ok || name == "help" || name == "-h" || name == "--help" || name == "-help"
}

// Run runs the command named by args[0] and returns the exit status.
func Run(env *Env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				asked := *env
				asked.Stderr = env.Stdout // help that was asked for is output, not an error
				return c.Run(&asked, []string{"-h"})
			}
			fmt.Fprintf(env.Stderr, "slant: no command %q%s; slant help lists them\n", args[1], suggest(args[1]))
			return 2
		}
		usage(env.Stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "slant: unknown command %q%s\n\n", args[0], suggest(args[0]))
		usage(env.Stderr)
		return 2
	}
	return c.Run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Slant labels how news articles portray people, companies and countries.")
	fmt.Fprintln(w, "\nUsage:\n  slant                 open the window\n  slant COMMAND [ARGS]  run a command:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "\n  slant %s %s\n      %s\n", c.Name, c.Args, c.Summary)
	}
	fmt.Fprintln(w, "\nThe project file is --db FILE, else $SLANT_DB, else the default project in the user's config folder.")
	fmt.Fprintln(w, "Run 'slant help COMMAND' for a command's flags.")
}

// NewFlags returns a flag set for a command that reports errors to env.Stderr
// and prints its own usage line.
func NewFlags(env *Env, c *Command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: slant %s %s\n  %s\n", c.Name, c.Args, c.Summary)
		if strings.Contains(c.Args, "-") {
			fs.PrintDefaults()
		}
	}
	return fs
}

// ParseFlags parses args with fs, allowing flags after positional arguments
// ("slant import a.txt --db p.slant"), and returns the positional arguments
// and the exit status to return when parsing did not succeed (0 after -h, 2
// on a bad flag), or -1 to go on.
func ParseFlags(fs *flag.FlagSet, args []string) ([]string, int) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, 0
			}
			return nil, 2
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, -1
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), -1
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// ParseArgs is ParseFlags for a command that takes exactly n arguments: a
// different count prints the command's usage and gives status 2.
func ParseArgs(fs *flag.FlagSet, args []string, n int) ([]string, int) {
	pos, status := ParseFlags(fs, args)
	if status >= 0 {
		return nil, status
	}
	if len(pos) != n {
		fs.Usage()
		return nil, 2
	}
	return pos, -1
}
