package cli_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/slant-annotate/slant/app/cli"
)

// TestMain lets a benchmark run the command line as a whole process, start-up
// included, as a user meets it: the test binary re-executed with
// SLANT_CLI_PROCESS=1 is `slant` with the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("SLANT_CLI_PROCESS") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		os.Exit(cli.Run(cli.OSEnv(), args))
	}
	os.Exit(m.Run())
}

// slantProcess runs `slant args...` as a process of its own and returns
// its standard output.
func slantProcess(tb testing.TB, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "SLANT_CLI_PROCESS=1")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		tb.Fatalf("slant %v: %v\n%s", args, err, msg)
	}
	return out
}
