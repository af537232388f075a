package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/secrets"
	"rbac-e2e/e2e/framework/suite"
)

// seed is the path of one of the seed documents' objects.
func seed(file string) string { return suite.FixturePath(filepath.Join("seed", file)) }

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
		Expect(json.Unmarshal(o.Body, &st)).To(Succeed(), "the http channel's body of %s:\n%s", res.Request, secrets.Redact(o.Body))
		Expect(st.Kind).To(Equal("Status"), "body of %s", res.Request)
		Expect(st.Status).To(Equal(metav1.StatusSuccess), "body of %s", res.Request)
		Expect(st.Details).NotTo(BeNil(), "body of %s", res.Request)
		Expect(st.Details.Name).To(Equal(access.ObjectName(name, "http")), "body of %s", res.Request)
		return
	}
	Fail("no http outcome in " + res.Request.String())
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
	secrets.Track(string(b)) // all but one character of a real signature
	return string(b)
}
