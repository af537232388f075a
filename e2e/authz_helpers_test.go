package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

// seed is the path of one of the seed documents' objects.
func seed(file string) string { return framework.FixturePath(filepath.Join("seed", file)) }

func jsonOf(obj any) []byte {
	GinkgoHelper()
	b, err := json.Marshal(obj)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// deploymentSteps are the slide deck's curl session on its Deployment in a
// namespace: POST the collection, GET the item, DELETE the item.
type deploymentSteps struct{ create, get, del access.Request }

func seedDeploymentSteps(f *framework.Framework, namespace string) deploymentSteps {
	GinkgoHelper()
	obj := f.LoadFixture(seed("deployment.yaml"))
	obj.SetNamespace(namespace)
	deployments := access.On("create", "apps", "v1", "deployments").In(namespace)
	return deploymentSteps{
		create: deployments.WithBody(jsonOf(obj.Object)),
		get:    access.On("get", "apps", "v1", "deployments").In(namespace).Named(obj.GetName()),
		del:    access.On("delete", "apps", "v1", "deployments").In(namespace).Named(obj.GetName()),
	}
}

// expectStatusSuccess checks the body the HTTP channel got: a Status of
// status Success about the deleted object. (client-go's Delete keeps the body
// to itself; its status code is checked with the HTTP channel's.)
func expectStatusSuccess(res access.Result, name string) {
	GinkgoHelper()
	for _, o := range res.Outcomes {
		if o.Channel != "http" {
			continue
		}
		var st metav1.Status
		Expect(json.Unmarshal(o.Body, &st)).To(Succeed(), "the http channel's body of %s:\n%s", res.Request, o.Body)
		Expect(st.Kind).To(Equal("Status"), "body of %s", res.Request)
		Expect(st.Status).To(Equal(metav1.StatusSuccess), "body of %s", res.Request)
		Expect(st.Details).NotTo(BeNil(), "body of %s", res.Request)
		Expect(st.Details.Name).To(Equal(access.ObjectName(name, "http")), "body of %s", res.Request)
		return
	}
	Fail("no http outcome in " + res.Request.String())
}

// verbRow is one of the eight verbs on ConfigMaps and the HTTP request that
// carries it.
type verbRow struct {
	verb, method string
	item         bool // the URL names the object (else it is the collection)
	req          access.Request
}

// configMapVerbs makes, in the spec's namespace, the ConfigMaps the eight
// verbs act on (one per channel: "target" for get, update, patch and delete,
// "doomed" for deletecollection) and returns a row per verb, in
// access.Verbs order, so delete comes after update and patch.
func configMapVerbs(ctx context.Context, f *framework.Framework) []verbRow {
	GinkgoHelper()
	cm := func(name string) *corev1.ConfigMap {
		return &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: f.Namespace, Labels: framework.ObjectLabels()},
			Data:       map[string]string{"seed": "AUTHZ"},
		}
	}
	for _, base := range []string{"target", "doomed"} {
		for _, name := range channelNames(f, base) {
			_, err := f.Admin.CoreV1().ConfigMaps(f.Namespace).Create(ctx, cm(name), metav1.CreateOptions{})
			Expect(err).NotTo(HaveOccurred())
		}
	}
	on := func(verb string) access.Request { return access.On(verb, "", "v1", "configmaps").In(f.Namespace) }
	updated := cm("target")
	updated.Data["updated"] = "yes"
	rows := map[string]verbRow{
		"create":           {"create", "POST", false, on("create").WithBody(jsonOf(cm("created")))},
		"get":              {"get", "GET", true, on("get").Named("target")},
		"list":             {"list", "GET", false, on("list").Named("target")},
		"watch":            {"watch", "GET", false, on("watch").Named("target")},
		"update":           {"update", "PUT", true, on("update").Named("target").WithBody(jsonOf(updated))},
		"patch":            {"patch", "PATCH", true, on("patch").Named("target").WithBody([]byte(`{"data":{"patched":"yes"}}`))},
		"delete":           {"delete", "DELETE", true, on("delete").Named("target")},
		"deletecollection": {"deletecollection", "DELETE", false, on("deletecollection").Named("doomed")},
	}
	var out []verbRow
	for _, v := range access.Verbs {
		row, ok := rows[v]
		Expect(ok).To(BeTrue(), "no ConfigMap request for verb %q", v)
		out = append(out, row)
	}
	return out
}

// expectHTTPShape checks that a verb travels as the HTTP request the
// scenario names: the method, item or collection URL, ?watch=true.
func expectHTTPShape(row verbRow) {
	GinkgoHelper()
	r := row.req
	Expect(r.Method()).To(Equal(row.method), "HTTP method of %s", r)
	namesItem := filepath.Base(r.Path()) == r.Name
	Expect(namesItem).To(Equal(row.item), "item or collection URL of %s", r)
	Expect(r.Query().Get("watch") == "true").To(Equal(row.verb == "watch"), "watch query of %s", r)
}

// expectedFor is what a verb must get from a subject granted the verbs in
// granted: success (201 for a create) or RBAC's 403 for that very verb.
func expectedFor(user, verb string, granted []string, namespace string) access.Expectation {
	for _, g := range granted {
		if g == verb {
			if verb == "create" {
				return access.Status(201)
			}
			return access.Status(200)
		}
	}
	return access.ForbiddenContaining(fmt.Sprintf(`User %q cannot %s resource "configmaps" in API group "" in the namespace %q`, user, verb, namespace))
}

// uniqueNames hands out fresh cluster-scoped object names for requests a
// subject makes itself, and deletes every object they may have named (the
// name itself and each channel's, see access.ObjectName) when the spec ends.
type uniqueNames struct {
	names []string
}

func newUniqueNames(f *framework.Framework, del func(ctx context.Context, name string) error) *uniqueNames {
	u := &uniqueNames{}
	DeferCleanup(func(ctx context.Context) error {
		for _, n := range u.names {
			for _, name := range append([]string{n}, channelNames(f, n)...) {
				if err := framework.IgnoreNotFound(del(ctx, name)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return u
}

func channelNames(f *framework.Framework, name string) []string {
	var out []string
	for _, ch := range f.Checker.ChannelNames() {
		out = append(out, access.ObjectName(name, ch))
	}
	return out
}

func (u *uniqueNames) next(base string) string {
	n := "rbac-e2e-" + base + "-" + utilrand.String(6)
	u.names = append(u.names, n)
	return n
}

// tampered is a token with one character of its signature changed: well
// formed, but signed by no one the apiserver trusts.
func tampered(token string) string {
	b := []byte(token)
	i := len(b) - 40 // inside the signature, clear of its last, partly unused, character
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
