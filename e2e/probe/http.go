package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"

	authenticationv1 "k8s.io/api/authentication/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/probe/wire"
)

// httpChannel is plain net/http: the mounted token as a bearer token, TLS
// verified against the mounted ca.crt only, the address from
// KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT. It is the suite's own
// HTTP channel, so in-pod and outside requests are made the same way.
type httpChannel struct{ ch *access.HTTPChannel }

func newHTTPChannel() (*httpChannel, string, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" || port == "" {
		return nil, "", fmt.Errorf("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
	}
	server := "https://" + net.JoinHostPort(host, port)
	ca, err := os.ReadFile(wire.CAFile)
	if err != nil {
		return nil, server, err
	}
	ch, err := access.NewHTTPChannel(server, ca)
	return &httpChannel{ch: ch}, server, err
}

func (c *httpChannel) do(ctx context.Context, r access.Request) wire.Line {
	l := wire.Line{Channel: wire.ChannelHTTP, Action: r.Verb, Target: r.Path()}
	// Read per request: the kubelet rotates the token in place.
	token, err := os.ReadFile(wire.TokenFile)
	if err != nil {
		l.Message = err.Error()
		return l
	}
	o := c.ch.Do(ctx, access.NewSubject("", strings.TrimSpace(string(token))), r)
	l.Code, l.Reason, l.Message = o.Code, string(o.Reason), o.Message
	if o.Err != nil {
		l.Message = o.Err.Error()
	}
	l.OK = o.Err == nil && o.Code/100 == 2
	if !l.OK {
		return l
	}
	switch {
	case !r.IsResource():
		l.Value = strings.TrimSpace(string(o.Body))
	case r.Verb == "list":
		var list struct{ Items []json.RawMessage }
		if err := json.Unmarshal(o.Body, &list); err != nil {
			l.OK, l.Message = false, fmt.Sprintf("decoding the list: %v", err)
			break
		}
		n := len(list.Items)
		l.Count = &n
	case r.Resource.Resource == "selfsubjectreviews":
		var rv authenticationv1.SelfSubjectReview
		if err := json.Unmarshal(o.Body, &rv); err != nil {
			l.OK, l.Message = false, fmt.Sprintf("decoding the review: %v", err)
			break
		}
		l.Value = rv.Status.UserInfo.Username
		l.Detail = map[string]string{wire.DetailGroups: strings.Join(rv.Status.UserInfo.Groups, ",")}
	}
	return l
}
