package pretag

import (
	"sync"
	"sync/atomic"

	prose "github.com/jdkato/prose/v2"
)

// Engine names the pre-tagger in the provenance of stored suggestions.
const (
	EngineName    = "slant-pretag"
	EngineVersion = "1"
	ProseVersion  = "v2.0.0"
)

// Provenance is the engine and version string stored with every suggestion,
// e.g. "slant-pretag/1 prose/v2.0.0". It changes whenever the rules or the
// model change in a way that changes output.
func Provenance() string { return EngineName + "/" + EngineVersion + " prose/" + ProseVersion }

var (
	modelOnce  sync.Once
	proseModel *prose.Model
	modelLoads atomic.Int32 // how many times the model was loaded (tests: exactly once)
)

// model returns the process-wide prose model, loading it on first use. The
// model is read-only after loading and shared by every Tagger and goroutine.
func model() *prose.Model {
	modelOnce.Do(func() {
		proseModel = prose.ModelFromData("en-v2.0.0")
		modelLoads.Add(1)
	})
	return proseModel
}

// ModelLoads reports how many times the prose model has been loaded in this
// process (0 before the first Tag, 1 afterwards).
func ModelLoads() int { return int(modelLoads.Load()) }
