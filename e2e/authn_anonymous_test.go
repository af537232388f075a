package e2e

import (
	"context"
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/anonymous"
)

// expectNoCredentials checks r sent with no credentials at all against what
// the cluster's kube-apiserver is configured to do with it, learned from its
// command line and authentication config (anonymous.Discover), not from the
// answer under test: system:anonymous denied by RBAC (403) where anonymous
// authentication applies to r's path, 401 Unauthorized where it is off or
// limited to other paths. Where the configuration is out of reach (a
// managed control plane) either answer passes if it is consistent — a 403
// must be RBAC's denial of system:anonymous, a 401 a Status of reason
// Unauthorized on both channels — and the report says the mode was inferred.
func expectNoCredentials(ctx context.Context, f *framework.Framework, r access.Request) {
	GinkgoHelper()
	var readNode anonymous.ReadNodeFile
	if c := f.Env.Cluster; c != nil {
		readNode = c.ReadControlPlaneFile
	}
	anon := access.Anonymous()
	denied := access.DeniedByRBAC(anon.User, r)
	d := anonymous.Discover(ctx, f.Admin, readNode, r.Path())
	switch d.Mode {
	case anonymous.Anonymous:
		By(fmt.Sprintf("no credentials: anonymous authentication applies to %s (%s): RBAC must deny system:anonymous", r.Path(), d.Why))
		f.ExpectAccess(ctx, anon, r, denied)
	case anonymous.Refused:
		By(fmt.Sprintf("no credentials: anonymous authentication does not apply to %s (%s): 401", r.Path(), d.Why))
		f.ExpectAccess(ctx, anon, r, access.Unauthorized())
	default:
		note := fmt.Sprintf("AUTHN-2: WHETHER ANONYMOUS AUTHENTICATION APPLIES TO %s COULD NOT BE DETERMINED (%s): "+
			"the no-credentials case accepts 403 (RBAC's denial of system:anonymous) or 401 (Unauthorized), INFERRED from the answer", r.Path(), d.Why)
		AddReportEntry("AUTHN-2: anonymous mode inferred", note, ReportEntryVisibilityAlways)
		GinkgoWriter.Println(note)
		res := f.Checker.Do(ctx, anon, r, access.Unauthorized())
		all401 := len(res.Outcomes) > 0
		for _, o := range res.Outcomes {
			all401 = all401 && o.Code == http.StatusUnauthorized
		}
		if all401 {
			By("inferred from the answer: anonymous authentication does not apply (401 on every channel)")
			if err := res.Err(); err != nil {
				Fail(err.Error())
			}
			return
		}
		By("inferred from the answer: anonymous authentication applies; RBAC must deny system:anonymous")
		f.ExpectAccess(ctx, anon, r, denied)
	}
}
