package probe

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/probe/wire"
)

// Agree checks what the probe got in a Pod for request r against the same
// request made from outside (res, from access.Checker.Do or DoPerChannel):
// every in-pod channel must meet the expectation and get the status code
// both outside channels got. The probe's lines for r are found as each of
// its channels made it (r.ForChannel). inPodUser is who the Pod's token
// belongs to. The error names subject, request, each channel, expected and got.
func Agree(res access.Result, r access.Request, inPodUser string, out Output, channels ...string) error {
	var fails []string
	if outside := res.Failures(); len(outside) > 0 {
		fails = append(fails, "outside: "+strings.Join(outside, "; "))
	}
	var b strings.Builder
	for _, ch := range channels {
		rc, err := r.ForChannel(ch)
		if err != nil {
			return err
		}
		lines := out.Select(ch, rc.Verb, rc.Path())
		if len(lines) == 0 {
			fails = append(fails, "in-pod "+ch+" made no such request")
			fmt.Fprintf(&b, "  in-pod %-9s no line for this request [MISMATCH]\n", ch+":")
			continue
		}
		for _, l := range lines {
			got := OutcomeOf(l)
			mark := "ok"
			if !res.Expect.Met(got) {
				mark = "MISMATCH"
				fails = append(fails, "in-pod "+ch+" missed the expectation")
			}
			for _, o := range res.Outcomes {
				if o.Code != got.Code {
					mark = "MISMATCH"
					fails = append(fails, fmt.Sprintf("in-pod %s and outside %s disagree", ch, o.Channel))
				}
			}
			fmt.Fprintf(&b, "  in-pod %-9s got %s (line #%d) [%s]\n", ch+":", got, l.Seq, mark)
		}
	}
	if len(fails) == 0 {
		return nil
	}
	return fmt.Errorf("%s\n  in-pod subject: %s (the Pod's mounted token)\n%s%s  probe output:\n%s",
		strings.Join(fails, "; "), inPodUser, res.Report(), b.String(), out)
}

// OutcomeOf is a probe line as an access.Outcome, to hold against an Expectation.
func OutcomeOf(l wire.Line) access.Outcome {
	o := access.Outcome{Code: l.Code, Reason: metav1.StatusReason(l.Reason), Message: l.Message}
	if l.Code == 0 {
		o.Err = fmt.Errorf("%s", l.Message)
	}
	return o
}
