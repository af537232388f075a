package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/probe/wire"
)

// clientGoChannel is what the seed document's program uses: a typed
// clientset built from rest.InClusterConfig().
type clientGoChannel struct {
	cs kubernetes.Interface
}

func newClientGoChannel() (*clientGoChannel, string, error) {
	cfg, err := rest.InClusterConfig()
	if err != nil {
		return nil, "", err
	}
	c := &clientGoChannel{}
	cfg.UserAgent = "rbac-e2e-probe"
	cfg.WrapTransport = access.RecordStatusCode // typed calls do not return the status code
	c.cs, err = kubernetes.NewForConfig(cfg)
	return c, cfg.Host, err
}

func (c *clientGoChannel) do(ctx context.Context, r access.Request) wire.Line {
	l := wire.Line{Channel: wire.ChannelClientGo, Action: r.Verb, Target: r.Path()}
	ctx, code := access.WithStatusRecorder(ctx)
	err := c.call(ctx, r, &l)
	o := access.OutcomeOf(*code, err)
	l.Code, l.Reason, l.Message = o.Code, string(o.Reason), o.Message
	switch {
	case err == nil:
		l.OK = l.Code/100 == 2
	case o.Err != nil:
		l.Message = o.Err.Error()
	}
	return l
}

// call maps a request onto the typed clientset, filling what it read into l.
func (c *clientGoChannel) call(ctx context.Context, r access.Request, l *wire.Line) error {
	if !r.IsResource() {
		body, err := c.cs.Discovery().RESTClient().Get().AbsPath(r.URL).DoRaw(ctx)
		l.Value = strings.TrimSpace(string(body))
		return err
	}
	switch r.Resource.Resource + " " + r.Verb {
	case "pods list":
		pods, err := c.cs.CoreV1().Pods(r.Namespace).List(ctx, metav1.ListOptions{})
		if err == nil {
			n := len(pods.Items)
			l.Count = &n
		}
		return err
	case "deployments create":
		var d appsv1.Deployment
		if err := json.Unmarshal(r.Body, &d); err != nil {
			return fmt.Errorf("the Deployment to send: %w", err)
		}
		_, err := c.cs.AppsV1().Deployments(r.Namespace).Create(ctx, &d, metav1.CreateOptions{})
		return err
	case "deployments get":
		_, err := c.cs.AppsV1().Deployments(r.Namespace).Get(ctx, r.Name, metav1.GetOptions{})
		return err
	case "deployments delete":
		return c.cs.AppsV1().Deployments(r.Namespace).Delete(ctx, r.Name, metav1.DeleteOptions{})
	case "selfsubjectreviews create":
		res, err := c.cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
		if err == nil {
			l.Value = res.Status.UserInfo.Username
			l.Detail = map[string]string{wire.DetailGroups: strings.Join(res.Status.UserInfo.Groups, ",")}
		}
		return err
	}
	return fmt.Errorf("the probe's client-go channel has no call for %s", r)
}
