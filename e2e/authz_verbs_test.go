package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
)

// noSuchConfigMap is the object the item forms name: it never exists, so an
// allowed get, update, patch or delete finds nothing to read or change.
const noSuchConfigMap = "rbac-e2e-no-such-configmap"

// undecodable is a create or update body of a kind no API group serves: the
// server refuses it (400) after the authorizer and before anything is made.
const undecodable = `{"apiVersion":"rbac-e2e.io/v1","kind":"VerbProbe","metadata":{"name":"` + noSuchConfigMap + `"}}`

// verbForm is one HTTP form of a verb on a namespace's ConfigMaps, as the
// scenario names it. The table is written out here and not derived from
// access.Request, so the server's answers, not the suite's own mapping,
// tell which verb each form is.
type verbForm struct {
	verb   string // the verb the server must map the form to
	method string
	suffix string // after /api/v1/namespaces/NS/configmaps; "" is the collection
	query  string
	body   string
	ctype  string
}

var verbForms = []verbForm{
	{"create", "POST", "", "dryRun=All", undecodable, "application/json"},
	{"get", "GET", "/" + noSuchConfigMap, "", "", ""},
	{"list", "GET", "", "", "", ""},
	{"watch", "GET", "", "watch=true&timeoutSeconds=1", "", ""},
	{"update", "PUT", "/" + noSuchConfigMap, "dryRun=All", undecodable, "application/json"},
	{"patch", "PATCH", "/" + noSuchConfigMap, "dryRun=All", "{}", "application/merge-patch+json"},
	{"delete", "DELETE", "/" + noSuchConfigMap, "dryRun=All", "", ""},
	{"deletecollection", "DELETE", "", "dryRun=All&fieldSelector=metadata.name%3D" + noSuchConfigMap, "", ""},
}

func (v verbForm) String() string {
	s := v.method + " configmaps" + v.suffix
	if v.query != "" {
		s += "?" + v.query
	}
	return s
}

// formAnswer is what the server said to one form from one subject.
type formAnswer struct {
	code    int
	message string // of a Status body
	err     error
}

func (a formAnswer) String() string {
	if a.err != nil {
		return "no answer: " + a.err.Error()
	}
	if a.message != "" {
		return fmt.Sprintf("%d %q", a.code, a.message)
	}
	return fmt.Sprint(a.code)
}

// verdict reads an answer as the authorizer's: allowed, or denied as the
// verb RBAC's message names. Anything else (no answer, 401, 429, 5xx, a 403
// that is not RBAC's about ConfigMaps) is no verdict.
func (a formAnswer) verdict() (allowed bool, deniedAs string, ok bool) {
	switch {
	case a.err != nil || a.code == 0 || a.code == http.StatusUnauthorized || a.code == http.StatusTooManyRequests || a.code >= 500:
		return false, "", false
	case a.code != http.StatusForbidden:
		return true, "", true
	}
	m := rbacVerb.FindStringSubmatch(a.message)
	if m == nil {
		return false, "", false
	}
	return false, m[1], true
}

var rbacVerb = regexp.MustCompile(`cannot (\S+) resource "configmaps" in API group ""`)

// rawSender sends verb forms with net/http alone: the kubeconfig's server,
// CA and connection settings, the subject's bearer token, nothing else.
type rawSender struct {
	host   string
	client *http.Client
}

func newRawSender(admin *rest.Config) rawSender {
	GinkgoHelper()
	client, err := rest.HTTPClientFor(&rest.Config{
		Host:  admin.Host,
		Proxy: admin.Proxy,
		TLSClientConfig: rest.TLSClientConfig{
			CAData: admin.CAData, ServerName: admin.TLSClientConfig.ServerName,
		},
	})
	Expect(err).NotTo(HaveOccurred())
	return rawSender{host: strings.TrimRight(admin.Host, "/"), client: client}
}

func (s rawSender) send(ctx context.Context, sub access.Subject, namespace string, v verbForm) formAnswer {
	u := s.host + "/api/v1/namespaces/" + namespace + "/configmaps" + v.suffix
	if v.query != "" {
		u += "?" + v.query
	}
	var body io.Reader
	if v.body != "" {
		body = strings.NewReader(v.body)
	}
	req, err := http.NewRequestWithContext(ctx, v.method, u, body)
	if err != nil {
		return formAnswer{err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+sub.BearerToken())
	if v.ctype != "" {
		req.Header.Set("Content-Type", v.ctype)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return formAnswer{err: err}
	}
	defer resp.Body.Close()
	a := formAnswer{code: resp.StatusCode}
	if resp.StatusCode == http.StatusOK && strings.Contains(v.query, "watch=true") {
		return a // a watch stream: the status line is the answer
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		a.err = err
		return a
	}
	var st metav1.Status
	if json.Unmarshal(raw, &st) == nil && st.Kind == "Status" {
		a.message = st.Message
	}
	return a
}

// verbSubject is a ServiceAccount whose only grant is one verb on ConfigMaps.
type verbSubject struct {
	verb    string
	subject access.Subject
}

// expectVerbMapping sends every form as every subject and checks, form by
// form, that the one subject granted the form's verb gets past the
// authorizer and the seven others get RBAC's 403 naming that very verb.
// It returns the table of what the server said.
func expectVerbMapping(ctx context.Context, f *framework.Framework, subjects []verbSubject, namespace string) string {
	GinkgoHelper()
	sender := newRawSender(f.Env.AdminConfig)
	var problems []string
	var table strings.Builder
	fmt.Fprintf(&table, "  %-88s %-18s %s\n", "form", "allowed for", "RBAC denied it as")
	for _, form := range verbForms {
		var allowedFor, deniedAs []string
		for _, s := range subjects {
			a := sender.send(ctx, s.subject, namespace, form)
			allowed, as, ok := a.verdict()
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("%s as %s (granted %s): no verdict: %s", form, s.subject, s.verb, a))
			case allowed:
				allowedFor = append(allowedFor, s.verb)
			default:
				if !slices.Contains(deniedAs, as) {
					deniedAs = append(deniedAs, as)
				}
				want := fmt.Sprintf(`User %q cannot %s resource "configmaps" in API group "" in the namespace %q`, s.subject.User, form.verb, namespace)
				if !strings.Contains(a.message, want) {
					problems = append(problems, fmt.Sprintf("%s as %s (granted %s): expected 403 containing %q, got %s", form, s.subject, s.verb, want, a))
				}
			}
		}
		if !slices.Equal(allowedFor, []string{form.verb}) {
			problems = append(problems, fmt.Sprintf("%s: expected allowed for the subject granted %q alone, got allowed for %q", form, form.verb, allowedFor))
		}
		fmt.Fprintf(&table, "  %-88s %-18s %s\n", form, strings.Join(allowedFor, ","), strings.Join(deniedAs, ","))
	}
	if len(problems) > 0 {
		Fail(fmt.Sprintf("the server's verbs for the HTTP forms (plain HTTP) are not the scenario's:\n  %s\nwhat it said:\n%s",
			strings.Join(problems, "\n  "), table.String()))
	}
	return table.String()
}
