package framework

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Progress prints a line to w every interval until stop is called or ctx
// ends, for waits long enough that silence looks like a hang: the time, how
// long it has waited and how long is left until deadline, and what (asked
// anew each time, so it can tell what is left of its own).
func Progress(ctx context.Context, w io.Writer, every time.Duration, deadline time.Time, what func(now time.Time) string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				fmt.Fprintf(w, "%s still waiting (%s so far, %s left of the bound): %s\n", now.Format(time.TimeOnly),
					now.Sub(start).Round(time.Second), deadline.Sub(now).Round(time.Second), what(now))
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
