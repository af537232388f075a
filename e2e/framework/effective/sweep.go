package effective

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/matrix"
)

// DefaultWorkers bounds the reviews in flight: the API server's default
// in-flight limits and fairness levels serve 32 at once without queueing.
const DefaultWorkers = 32

// DefaultTries is how often one review is asked before its error counts:
// 429 and 5xx answers and broken connections are asked again after a
// doubling pause (100 ms, 200 ms, …).
const DefaultTries = 5

// maxErrors bounds the errors a failed sweep spells out.
const maxErrors = 20

// SweepInput is what Sweep asks about.
type SweepInput struct {
	Client     kubernetes.Interface // the admin's: it creates SubjectAccessReviews
	Subjects   []matrix.Subject
	Candidates []Permission
	Workers    int // reviews in flight; DefaultWorkers when 0
	Tries      int // per review; DefaultTries when 0
	// RoleBindings, when not nil, are every RoleBinding of the cluster:
	// then a candidate in a namespace where none of them applies to the
	// subject is not asked but answered as the same candidate in
	// ElsewhereNamespace (see Infer).
	RoleBindings []rbacv1.RoleBinding
}

// SweepStats are a sweep's figures.
type SweepStats struct {
	Subjects, Candidates int
	Reviews              int // answered
	Retried              int // reviews asked again after a 429, a 5xx or a broken connection
	Inferred             int // answers taken from ElsewhereNamespace (SweepInput.RoleBindings)
	Allowed              int
	Duration             time.Duration
}

// PerSecond is reviews answered per second.
func (s SweepStats) PerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Reviews) / s.Duration.Seconds()
}

func (s SweepStats) String() string {
	return fmt.Sprintf("%d subjects × %d candidates: %d reviews (%d retried) and %d answers inferred, %d allowed, in %s: %.0f reviews/s",
		s.Subjects, s.Candidates, s.Reviews, s.Retried, s.Inferred, s.Allowed, s.Duration.Round(time.Millisecond), s.PerSecond())
}

// Sweep asks the API server, through one SubjectAccessReview per subject
// and candidate made as the admin, whether each subject may do each
// candidate, with the groups the API server would give the subject
// (UserInfo). It returns every subject's allowed permissions, sorted by
// subject key; on errors, the snapshot holds what was answered and the
// error names each failed subject and permission (the first maxErrors).
func Sweep(ctx context.Context, in SweepInput) (Snapshot, SweepStats, error) {
	workers := in.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	tries := in.Tries
	if tries <= 0 {
		tries = DefaultTries
	}
	for _, rb := range in.RoleBindings {
		if rb.Namespace == ElsewhereNamespace {
			return nil, SweepStats{}, fmt.Errorf("RoleBinding %s/%s: namespace %s must hold no RoleBinding, it stands for the namespaces nothing binds in", rb.Namespace, rb.Name, ElsewhereNamespace)
		}
	}
	subjects := sortSubjects(append([]matrix.Subject(nil), in.Subjects...))
	stats := SweepStats{Subjects: len(subjects), Candidates: len(in.Candidates)}
	total := len(subjects) * len(in.Candidates)
	allowed := make([]bool, total)
	infos := make([]authorizationv1.SubjectAccessReviewSpec, len(subjects))
	type job struct{ si, ci int }
	var jobs []job
	var inferred []job // ci answered as from[ci]
	from := elsewhereIndex(in.Candidates)
	for si, s := range subjects {
		infos[si].User, infos[si].Groups = UserInfo(s)
		var bound map[string]bool
		if in.RoleBindings != nil {
			bound = BoundNamespaces(infos[si].User, infos[si].Groups, in.RoleBindings)
		}
		for ci, p := range in.Candidates {
			if bound != nil && from[ci] >= 0 && !bound[p.Namespace] {
				inferred = append(inferred, job{si, ci})
				continue
			}
			jobs = append(jobs, job{si, ci})
		}
	}
	var (
		next, answered, retried atomic.Int64
		mu                      sync.Mutex
		errs                    []error
		failed                  int
		wg                      sync.WaitGroup
	)
	start := time.Now()
	for range max(1, min(workers, len(jobs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				si, ci := jobs[i].si, jobs[i].ci
				ok, n, err := review(ctx, in.Client, infos[si], in.Candidates[ci], tries)
				retried.Add(int64(n - 1))
				if err != nil {
					mu.Lock()
					if failed++; failed <= maxErrors {
						errs = append(errs, fmt.Errorf("%s: %s: %w", subjects[si], in.Candidates[ci], err))
					}
					mu.Unlock()
					continue
				}
				answered.Add(1)
				allowed[si*len(in.Candidates)+ci] = ok
			}
		}()
	}
	wg.Wait()
	stats.Duration = time.Since(start)
	stats.Reviews, stats.Retried, stats.Inferred = int(answered.Load()), int(retried.Load()), len(inferred)
	for _, j := range inferred {
		allowed[j.si*len(in.Candidates)+j.ci] = allowed[j.si*len(in.Candidates)+from[j.ci]]
	}

	snap := make(Snapshot, len(subjects))
	for si, s := range subjects {
		snap[si].Subject = s
		for ci, p := range in.Candidates {
			if allowed[si*len(in.Candidates)+ci] {
				snap[si].Allowed = append(snap[si].Allowed, p)
			}
		}
		snap[si].Allowed = SortPermissions(snap[si].Allowed)
		stats.Allowed += len(snap[si].Allowed)
	}
	if failed > maxErrors {
		errs = append(errs, fmt.Errorf("and %d more failed reviews", failed-maxErrors))
	}
	if err := ctx.Err(); err != nil && stats.Reviews+failed < len(jobs) {
		errs = append(errs, fmt.Errorf("sweep stopped after %d of %d reviews: %w", stats.Reviews+failed, len(jobs), err))
	}
	if len(errs) > 0 {
		return snap, stats, fmt.Errorf("SubjectAccessReview sweep: %d of %d reviews failed:\n%w", failed, len(jobs), errors.Join(errs...))
	}
	return snap, stats, nil
}

// review asks one SubjectAccessReview, again after a retriable error up to
// tries times; n is how often it was asked.
func review(ctx context.Context, client kubernetes.Interface, who authorizationv1.SubjectAccessReviewSpec, p Permission, tries int) (allowed bool, n int, err error) {
	spec := who
	attrs := access.ReviewAttributes(p.Request())
	spec.ResourceAttributes, spec.NonResourceAttributes = attrs.ResourceAttributes, attrs.NonResourceAttributes
	pause := 100 * time.Millisecond
	for n = 1; ; n++ {
		res, err := client.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		if err == nil {
			return res.Status.Allowed, n, nil
		}
		if n >= tries || !retriable(err) {
			return false, n, fmt.Errorf("after %d %s: %w", n, map[bool]string{true: "try", false: "tries"}[n == 1], err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return false, n, ctx.Err()
		case <-t.C:
		}
		pause *= 2
	}
}

// retriable: the server was busy or failed (429, 5xx) or the connection
// broke; a 4xx other than 429 says the review itself is wrong.
func retriable(err error) bool {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code == 429 || code >= 500
	}
	var netErr net.Error
	return errors.As(err, &netErr) || strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}
