package access

import (
	"context"
	"encoding/json"
	"fmt"
)

// Check makes the channels one after the other, so a request that changes
// state would meet what the first channel left behind: a second create of
// one object is 409 AlreadyExists, a second delete 404. DoPerChannel gives
// every channel an object of its own instead (NAME becomes NAME-client-go
// and NAME-http), so both make the same request on equal terms.

// ObjectName is the name of a channel's own object under DoPerChannel.
func ObjectName(name, channel string) string { return name + "-" + channel }

// ForChannel is the request one channel makes under DoPerChannel: its object
// name, in the URL and in the metadata.name of a create or update body, gets
// the channel's name as a suffix. Patch bodies are left as they are.
func (r Request) ForChannel(channel string) (Request, error) {
	if !r.IsResource() {
		return r, nil
	}
	if r.Name != "" {
		r.Name = ObjectName(r.Name, channel)
	}
	if r.Body == nil || (r.Verb != "create" && r.Verb != "update") {
		return r, nil
	}
	var obj map[string]any
	if err := json.Unmarshal(r.Body, &obj); err != nil {
		return r, fmt.Errorf("%s: body is not a JSON object: %w", r, err)
	}
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	if name == "" {
		return r, nil // generateName, or no name at all: nothing to share
	}
	meta["name"] = ObjectName(name, channel)
	body, err := json.Marshal(obj)
	if err != nil {
		return r, err
	}
	r.Body = body
	return r, nil
}

// ChannelNames are the names of the channels, in the order they are made.
func (c *Checker) ChannelNames() []string {
	var names []string
	for _, ch := range c.channels() {
		names = append(names, ch.Name())
	}
	return names
}

func (c *Checker) channels() []Channel { return []Channel{c.ClientGo, c.HTTP} }

// DoPerChannel is Do with an object of its own per channel (see
// ForChannel); the review asks about the first channel's request. The
// Result's Request shows the object as NAME-<channel>.
func (c *Checker) DoPerChannel(ctx context.Context, s Subject, r Request, e Expectation) (Result, error) {
	byChannel := map[string]Request{}
	for _, ch := range c.channels() {
		rc, err := r.ForChannel(ch.Name())
		if err != nil {
			return Result{}, err
		}
		byChannel[ch.Name()] = rc
	}
	shown := r
	if shown.Name == "" {
		shown.Name = bodyName(r.Body)
	}
	if shown.Name != "" {
		shown.Name = ObjectName(shown.Name, "<channel>")
	}
	return c.do(ctx, Result{Subject: s, Request: shown, Expect: e}, func(ch string) Request { return byChannel[ch] }), nil
}

// CheckPerChannel is DoPerChannel, returning the story when anything missed.
func (c *Checker) CheckPerChannel(ctx context.Context, s Subject, r Request, e Expectation) error {
	res, err := c.DoPerChannel(ctx, s, r, e)
	if err != nil {
		return err
	}
	return res.Err()
}

func bodyName(body []byte) string {
	var obj struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	return obj.Metadata.Name
}
