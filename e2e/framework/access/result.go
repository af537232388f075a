package access

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"rbac-e2e/e2e/framework/secrets"
)

// Result is everything one check saw.
type Result struct {
	Subject  Subject
	Request  Request
	Expect   Expectation
	Outcomes []ChannelOutcome
	Review   *Review // nil where no review applies
	// ReviewOnly, when set, says why no request was sent: the row was
	// judged by the access review alone (see Checker.ReviewOnly).
	ReviewOnly string
}

// ChannelOutcome is the outcome of one channel.
type ChannelOutcome struct {
	Channel string
	Outcome
	Tries Tries // how often it was sent (see Checker.doChannel)
}

// Failures lists what went wrong; empty when the check passed. A channel
// or review that got no verdict fails as "no answer", never as a mismatch
// and never as a disagreement. A review-only result stands on its review.
func (res Result) Failures() []string {
	var fails []string
	if res.ReviewOnly == "" {
		unanswered := false
		for _, o := range res.Outcomes {
			switch {
			case !answered(res.Expect, o.Outcome):
				unanswered = true
				fails = append(fails, fmt.Sprintf("%s: no answer from the API server (got %s%s)", o.Channel, o.Outcome, after(o.Tries)))
			case !res.Expect.Met(o.Outcome):
				fails = append(fails, o.Channel+" missed the expectation")
			}
		}
		if !unanswered && len(res.Outcomes) == 2 && res.Outcomes[0].Code != res.Outcomes[1].Code {
			fails = append(fails, "the channels disagree")
		}
	}
	switch rv := res.Review; {
	case rv == nil && res.ReviewOnly != "":
		fails = append(fails, "review only, but no access review was made")
	case rv == nil:
	case !reviewAnswered(*rv):
		fails = append(fails, fmt.Sprintf("review: no answer from the API server (got %s%s)", rv, after(rv.Tries)))
	case rv.Err != nil || rv.Allowed != res.Expect.reviewAllows():
		fails = append(fails, "the access review disagrees")
	}
	for i := range fails {
		fails[i] = secrets.RedactString(fails[i])
	}
	return fails
}

// after is " after N tries in D", or "" for a result made by hand.
func after(t Tries) string {
	if t.N == 0 {
		return ""
	}
	return " after " + t.String()
}

// Err is nil when the check passed, else a report naming subject, request,
// channel, expected and got.
func (res Result) Err() error {
	fails := res.Failures()
	if len(fails) == 0 {
		return nil
	}
	return &CheckError{Summary: strings.Join(fails, "; "), Result: res}
}

// CheckError is a failed check; Gomega prints it as its report alone.
type CheckError struct {
	Summary string
	Result  Result
}

func (e *CheckError) Error() string { return e.Summary + "\n" + e.Result.Report() }

// GomegaString replaces the dump of the error's fields that Gomega prints
// after its message: the message already holds the whole report.
func (e *CheckError) GomegaString() string { return "(" + e.Summary + ")" }

// Report is the multi-line account of a check, with every credential in
// what the server sent back redacted.
func (res Result) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  subject:  %s\n", res.Subject)
	fmt.Fprintf(&b, "  request:  %s\n", res.Request)
	fmt.Fprintf(&b, "  expected: %s\n", res.Expect)
	if res.ReviewOnly != "" {
		fmt.Fprintf(&b, "  review only: %s\n", res.ReviewOnly)
	}
	for _, o := range res.Outcomes {
		if res.ReviewOnly != "" {
			break
		}
		mark := "ok"
		switch {
		case !answered(res.Expect, o.Outcome):
			mark = "NO ANSWER"
		case !res.Expect.Met(o.Outcome):
			mark = "MISMATCH"
		}
		if o.Tries.N > 1 {
			mark += " after " + o.Tries.String()
		}
		fmt.Fprintf(&b, "  %-9s got %s [%s]\n", o.Channel+":", o.Outcome, mark)
		if !strings.HasPrefix(mark, "ok") && len(o.Body) > 0 {
			fmt.Fprintf(&b, "             body: %s\n", clip(secrets.Redact(o.Body), 400))
		}
	}
	if rv := res.Review; rv != nil {
		want := res.Expect.reviewAllows()
		mark := "ok"
		switch {
		case !reviewAnswered(*rv):
			mark = "NO ANSWER"
		case rv.Err != nil || rv.Allowed != want:
			mark = "MISMATCH"
		}
		if rv.Tries.N > 1 {
			mark += " after " + rv.Tries.String()
		}
		fmt.Fprintf(&b, "  review:   expected allowed=%t, got %s [%s]\n", want, rv, mark)
	}
	return secrets.RedactString(b.String())
}

func clip(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
