package gate

import (
	"context"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// subjectFetch is one subject's identity being made ahead of its rows.
type subjectFetch struct {
	done    chan struct{}
	subject access.Subject
	err     error
}

// PrefetchSubjects makes every subject's identity now, all at once (a
// user's client certificate is a CSR round trip of its own, seconds on a
// new cluster), so that each subject's rows find theirs ready instead of
// waiting for it in turn. Close stops what is still going.
func (r *Run) PrefetchSubjects(subjects []matrix.Subject) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fetched == nil {
		r.fetched = map[string]*subjectFetch{}
	}
	for _, s := range subjects {
		if _, ok := r.fetched[s.Key()]; ok {
			continue
		}
		f := &subjectFetch{done: make(chan struct{})}
		r.fetched[s.Key()] = f
		r.fetching.Add(1)
		go func() {
			defer r.fetching.Done()
			defer close(f.done)
			f.subject, f.err = r.Subject(r.bg, s)
		}()
	}
}

// subjectFor is a subject's prefetched identity, or one made now.
func (r *Run) subjectFor(ctx context.Context, s matrix.Subject) (access.Subject, error) {
	r.mu.Lock()
	f := r.fetched[s.Key()]
	r.mu.Unlock()
	if f == nil {
		return r.Subject(ctx, s)
	}
	select {
	case <-f.done:
		return f.subject, f.err
	case <-ctx.Done():
		return access.Subject{}, ctx.Err()
	}
}
