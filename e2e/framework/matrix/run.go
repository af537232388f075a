package matrix

import (
	"context"
	"sync"
	"time"
)

// Run makes every check with at most workers in flight, and returns the
// results in check order and how long the pass took. A cancelled context
// ends the pass early; checks not made by then get do's answer for a
// cancelled context.
func Run[T any](ctx context.Context, checks []Check, workers int, do func(context.Context, Check) T) ([]T, time.Duration) {
	start := time.Now()
	out := make([]T, len(checks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(workers, len(checks))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = do(ctx, checks[i])
			}
		}()
	}
	for i := range checks {
		next <- i
	}
	close(next)
	wg.Wait()
	return out, time.Since(start)
}
