package pretag

import (
	"context"
	"iter"
	"runtime"
	"sync"
)

// TagAll pre-tags many texts with a pool of workers sharing the one model.
// texts yields (key, text) pairs; emit is called once per text, from the
// calling goroutine, in completion order (use the key to put results back
// in order); progress, if not nil, is called after each emit with the
// number of texts done. workers <= 0 means one per CPU. TagAll stops at the
// first error from emit or when ctx is cancelled, and returns that error.
func (t *Tagger) TagAll(ctx context.Context, workers int, texts iter.Seq2[int, string],
	emit func(key int, r *Result) error, progress func(done int)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	model() // load once before the workers start
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		key  int
		text string
	}
	type out struct {
		key int
		r   *Result
	}
	jobs := make(chan job, workers)
	results := make(chan out, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r := t.Tag(j.text)
				select {
				case results <- out{j.key, r}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for k, s := range texts {
			select {
			case jobs <- job{k, s}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	done := 0
	var err error
	for o := range results {
		if err != nil {
			continue
		}
		if e := emit(o.key, o.r); e != nil {
			err = e
			cancel()
			continue
		}
		done++
		if progress != nil {
			progress(done)
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}
