package main

import (
	"context"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/probe/wire"
)

// apiChannel makes one request and says what came back as a line.
type apiChannel interface {
	do(ctx context.Context, r access.Request) wire.Line
}

// request makes every request through every channel named, in order. Each
// channel works on an object of its own (NAME-client-go, NAME-http), as the
// suite's checker does outside (access.Request.ForChannel).
func (p *probe) request(ctx context.Context, channels []string, reqs ...access.Request) {
	for _, name := range channels {
		ch := p.channel(name)
		if ch == nil {
			continue
		}
		for _, r := range reqs {
			rc, err := r.ForChannel(name)
			if err != nil {
				p.out.report(wire.Line{Channel: name, Action: r.Verb, Target: r.Path(), Message: err.Error()})
				continue
			}
			p.out.report(ch.do(ctx, rc))
		}
	}
}

// channel sets a channel up on first use; when it cannot be (no in-cluster
// configuration, no mounted credentials) it reports why and returns nil, and
// tries again next time.
func (p *probe) channel(name string) apiChannel {
	switch name {
	case wire.ChannelClientGo:
		if p.clientGo == nil {
			c, host, err := newClientGoChannel()
			p.out.report(setupLine(name, wire.ActionInClusterConfig, host, err))
			if err != nil {
				return nil
			}
			p.clientGo = c
		}
		return p.clientGo
	case wire.ChannelHTTP:
		if p.http == nil {
			c, host, err := newHTTPChannel()
			p.out.report(setupLine(name, wire.ActionCredentials, host, err))
			if err != nil {
				return nil
			}
			p.http = c
		}
		return p.http
	}
	return nil
}

func setupLine(channel, action, host string, err error) wire.Line {
	l := wire.Line{Channel: channel, Action: action, Target: host, OK: err == nil}
	if err != nil {
		l.Message = err.Error()
	}
	return l
}
