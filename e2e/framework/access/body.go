package access

import (
	"context"
	"fmt"
	"time"

	"rbac-e2e/e2e/framework/secrets"
)

// Bodies makes a request that must succeed through both channels and returns
// each channel's response body by channel name, for specs that check what
// came back and not only the status (that is Check's job). The client-go
// channel sends it with the subject's REST client, so resources and
// subresources that the dynamic client cannot decode work too. Like Check,
// each channel retries while it gets no verdict (see noanswer.go).
func (c *Checker) Bodies(ctx context.Context, s Subject, r Request) (map[string][]byte, error) {
	out := map[string][]byte{}
	tc, err := c.ClientGo.clients(s)
	if err != nil {
		return nil, err
	}
	var body []byte
	var code int
	tries := c.untilAnswered(ctx, func(ctx context.Context) (bool, time.Duration) {
		req := tc.typed.Discovery().RESTClient().Verb(r.Method()).AbsPath(r.Path()).SetHeader("Accept", "application/json")
		for k, vs := range r.Query() {
			for _, v := range vs {
				req = req.Param(k, v)
			}
		}
		if r.Body != nil {
			req = req.SetHeader("Content-Type", r.contentType()).Body(r.Body)
		}
		c.Requests[c.ClientGo.Name()].Add(1)
		ctx, rec := withAnswerRecorder(ctx)
		res := req.Do(ctx)
		res.StatusCode(&code)
		body, err = res.Raw()
		return !noVerdictCode(code), rec.retryAfter
	})
	if err != nil {
		return nil, &redactedError{fmt.Sprintf("%s %s as %s (%s): %s: %v", c.ClientGo.Name(), r, s, tries, clip(secrets.Redact(body), 300), err), err}
	}
	secrets.TrackIn(body)
	out[c.ClientGo.Name()] = body

	o := c.doChannel(ctx, c.HTTP, s, r, Allowed())
	if o.Code/100 != 2 {
		return nil, fmt.Errorf("%s %s as %s (%s): got %s: %s", c.HTTP.Name(), r, s, o.Tries,
			secrets.RedactString(o.Outcome.String()), clip(secrets.Redact(o.Body), 300))
	}
	out[c.HTTP.Name()] = o.Body
	return out, nil
}

// redactedError prints its message redacted and still unwraps to the
// error client-go returned, for errors.As.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return secrets.RedactString(e.msg) }
func (e *redactedError) Unwrap() error { return e.err }
