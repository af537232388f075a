package access

import (
	"context"
	"fmt"
)

// Bodies makes a request that must succeed through both channels and returns
// each channel's response body by channel name, for specs that check what
// came back and not only the status (that is Check's job). The client-go
// channel sends it with the subject's REST client, so resources and
// subresources that the dynamic client cannot decode work too.
func (c *Checker) Bodies(ctx context.Context, s Subject, r Request) (map[string][]byte, error) {
	out := map[string][]byte{}
	tc, err := c.ClientGo.clients(s)
	if err != nil {
		return nil, err
	}
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
	body, err := req.Do(ctx).Raw()
	if err != nil {
		return nil, fmt.Errorf("%s %s as %s: %s: %w", c.ClientGo.Name(), r, s, clip(body, 300), err)
	}
	out[c.ClientGo.Name()] = body

	c.Requests[c.HTTP.Name()].Add(1)
	o := c.HTTP.Do(ctx, s, r)
	if o.Code/100 != 2 {
		return nil, fmt.Errorf("%s %s as %s: got %s: %s", c.HTTP.Name(), r, s, o, clip(o.Body, 300))
	}
	out[c.HTTP.Name()] = o.Body
	return out, nil
}
