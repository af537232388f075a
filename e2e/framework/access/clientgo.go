package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ClientGoChannel makes requests with client-go clients built from the
// subject's credential and the cluster CA alone: never the kubeconfig's user.
type ClientGoChannel struct {
	conn Connection
	mu   sync.Mutex
	byTk map[string]*tokenClients
}

type tokenClients struct {
	dynamic dynamic.Interface
	typed   kubernetes.Interface
}

// NewClientGoChannel trusts exactly the PEM CA bundle given.
func NewClientGoChannel(host string, caPEM []byte) *ClientGoChannel {
	return NewClientGoChannelFor(Connection{Host: host, CAData: caPEM})
}

// NewClientGoChannelFor connects as conn says (see Connection).
func NewClientGoChannelFor(conn Connection) *ClientGoChannel {
	return &ClientGoChannel{conn: conn, byTk: map[string]*tokenClients{}}
}

func (*ClientGoChannel) Name() string { return "client-go" }

// RESTConfig is the client-go configuration for a subject: the
// connection's host, CA, tls-server-name and proxy, and what the subject's
// Credential sets (a token, a client certificate, impersonation).
// Rate limits are raised so parallel specs are never throttled client-side;
// client-go's own retries are turned off (see noanswer.go).
func (c *ClientGoChannel) RESTConfig(s Subject) *rest.Config {
	cfg := &rest.Config{
		Host:            c.conn.Host,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.conn.CAData, ServerName: c.conn.ServerName},
		Proxy:           c.conn.Proxy, // nil: client-go takes the environment's, as the HTTP channel does
		QPS:             1000,
		Burst:           2000,
		UserAgent:       "rbac-e2e",
		WrapTransport:   func(rt http.RoundTripper) http.RoundTripper { return RecordStatusCode(noClientRetries(rt)) },
		// A check asks whether a request is allowed; the API server's
		// deprecation warnings for the types it tries are no part of that.
		WarningHandler: rest.NoWarnings{},
	}
	if s.cred != nil {
		s.cred.ConfigureREST(cfg)
	}
	return cfg
}

func (c *ClientGoChannel) clients(s Subject) (*tokenClients, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tc, ok := c.byTk[s.cacheKey()]; ok {
		return tc, nil
	}
	cfg := c.RESTConfig(s)
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	typed, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	tc := &tokenClients{dynamic: dyn, typed: typed}
	c.byTk[s.cacheKey()] = tc
	return tc, nil
}

// Do makes the request through the dynamic client (resources) or the REST
// client (non-resource URLs).
func (c *ClientGoChannel) Do(ctx context.Context, s Subject, r Request) Outcome {
	tc, err := c.clients(s)
	if err != nil {
		return Outcome{Err: err}
	}
	ctx, code := WithStatusRecorder(ctx)
	ctx, rec := withAnswerRecorder(ctx)
	if r.IsResource() {
		err = doResource(ctx, tc.dynamic, r)
	} else {
		err = tc.typed.Discovery().RESTClient().Verb(r.Method()).AbsPath(r.URL).Do(ctx).Error()
	}
	o := OutcomeOf(*code, err)
	o.RetryAfter = rec.retryAfter
	return o
}

func doResource(ctx context.Context, dyn dynamic.Interface, r Request) error {
	var ri dynamic.ResourceInterface = dyn.Resource(r.Resource)
	if r.Namespace != "" {
		ri = dyn.Resource(r.Resource).Namespace(r.Namespace)
	}
	var sub []string
	if r.Subresource != "" {
		sub = []string{r.Subresource}
	}
	switch r.Verb {
	case "get":
		_, err := ri.Get(ctx, r.Name, metav1.GetOptions{}, sub...)
		return err
	case "list":
		_, err := ri.List(ctx, metav1.ListOptions{FieldSelector: r.fieldSelector()})
		return err
	case "watch":
		timeout := int64(1)
		w, err := ri.Watch(ctx, metav1.ListOptions{FieldSelector: r.fieldSelector(), TimeoutSeconds: &timeout})
		if err == nil {
			w.Stop()
		}
		return err
	case "create", "update":
		obj := &unstructured.Unstructured{}
		if err := json.Unmarshal(r.Body, &obj.Object); err != nil {
			return fmt.Errorf("request body is not a JSON object: %w", err)
		}
		if r.Verb == "create" {
			_, err := ri.Create(ctx, obj, metav1.CreateOptions{DryRun: r.dryRun()}, sub...)
			return err
		}
		_, err := ri.Update(ctx, obj, metav1.UpdateOptions{DryRun: r.dryRun()}, sub...)
		return err
	case "patch":
		_, err := ri.Patch(ctx, r.Name, r.patchType(), r.Body, metav1.PatchOptions{DryRun: r.dryRun()}, sub...)
		return err
	case "delete":
		return ri.Delete(ctx, r.Name, metav1.DeleteOptions{DryRun: r.dryRun()}, sub...)
	case "deletecollection":
		return ri.DeleteCollection(ctx, metav1.DeleteOptions{DryRun: r.dryRun()}, metav1.ListOptions{FieldSelector: r.fieldSelector()})
	}
	return fmt.Errorf("unknown verb %q", r.Verb)
}

// OutcomeOf turns what a client-go call returned into an Outcome.
func OutcomeOf(code int, err error) Outcome {
	o := Outcome{Code: code}
	if err == nil {
		return o
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		st := status.Status()
		if o.Code == 0 {
			o.Code = int(st.Code)
		}
		// client-go invents a reason and message for bodies that are not a
		// Status; report what the server sent, as the HTTP channel does.
		if !inventedStatus(st) {
			o.Reason, o.Message = st.Reason, st.Message
		}
		return o
	}
	o.Err = err
	return o
}

func inventedStatus(st metav1.Status) bool {
	if st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == metav1.CauseTypeUnexpectedServerResponse {
			return true
		}
	}
	return false
}

type statusKey struct{}

// WithStatusRecorder gives client-go calls a place to leave the HTTP status
// code, which typed and dynamic clients do not return on success.
func WithStatusRecorder(ctx context.Context) (context.Context, *int) {
	code := new(int)
	return context.WithValue(ctx, statusKey{}, code), code
}

// RecordStatusCode is a client-go WrapTransport that leaves each response's
// status code where WithStatusRecorder put a place for it.
func RecordStatusCode(rt http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := rt.RoundTrip(req)
		if p, ok := req.Context().Value(statusKey{}).(*int); ok && resp != nil {
			*p = resp.StatusCode
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
