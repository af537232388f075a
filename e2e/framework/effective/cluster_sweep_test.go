//go:build sweep

// A real sweep of a running cluster (not part of make unit):
//
//	SWEEP_KUBECONFIG=/tmp/rbac-e2e-<name>.kubeconfig go test -tags sweep -run TestClusterSweep -v ./e2e/framework/effective/
//
// It applies manifests/, sweeps every subject they bind and every subject
// of fixtures/access, writes the snapshot twice (byte-identical), then
// widens the manifests the ways issue 9 names and shows the diff, and
// removes what it applied.
package effective_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"rbac-e2e/e2e/framework/effective"
	"rbac-e2e/e2e/framework/manifest"
	"rbac-e2e/e2e/framework/matrix"
)

const widen = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: rbac-e2e-sweep-view-secrets
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
  - apiGroups: [""]
    resources: [secrets]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rbac-e2e-sweep-edit
  namespace: kube-system
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: ServiceAccount, name: admin-sa, namespace: apitest}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: rbac-e2e-sweep-impersonate-alice
rules:
  - apiGroups: [""]
    resources: [users]
    resourceNames: [alice]
    verbs: [impersonate]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: rbac-e2e-sweep-impersonate-alice
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: rbac-e2e-sweep-impersonate-alice}
subjects:
  - {kind: User, name: example-impersonator@example.com, apiGroup: rbac.authorization.k8s.io}
`

func TestClusterSweep(t *testing.T) {
	kubeconfig := os.Getenv("SWEEP_KUBECONFIG")
	if kubeconfig == "" {
		t.Skip("SWEEP_KUBECONFIG is not set: no cluster to sweep")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 5000, 10000
	client := kubernetes.NewForConfigOrDie(cfg)
	dyn := dynamic.NewForConfigOrDie(cfg)
	root, _ := filepath.Abs("../../..")
	objs, err := manifest.Load(root, "manifests")
	if err != nil {
		t.Fatal(err)
	}
	m, err := matrix.Load(root, "fixtures/access")
	if err != nil {
		t.Fatal(err)
	}
	applier := &manifest.Applier{Dynamic: dyn, Discovery: client.Discovery(), FieldManager: "rbac-e2e-sweep",
		Labels:     map[string]string{"app.kubernetes.io/managed-by": "rbac-e2e"},
		OwnedLabel: "app.kubernetes.io/managed-by", OwnedValue: "rbac-e2e", Log: os.Stderr}
	applied, err := applier.Apply(ctx, objs)
	defer func() {
		if err := applier.Delete(context.Background(), applied, 3*time.Minute); err != nil {
			t.Errorf("removing the manifests: %v", err)
		}
	}()
	if err != nil {
		t.Fatal(err)
	}

	sweep := func(objs []manifest.Object, infer bool) effective.ClusterResult {
		t.Helper()
		res, err := effective.SweepCluster(ctx, effective.ClusterSweep{Client: client, Manifests: objs, Matrix: m, Infer: infer})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("sweep: %s", res.Stats)
		return res
	}
	// RBAC changes reach the authorizer through an informer: wait until
	// the last applied binding answers.
	waitFor := func(user string, p effective.Permission) {
		t.Helper()
		err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
			snap, _, err := effective.Sweep(ctx, effective.SweepInput{Client: client, Subjects: []matrix.Subject{{User: user}}, Candidates: []effective.Permission{p}})
			return err == nil && len(snap[0].Allowed) == 1, nil
		})
		if err != nil {
			t.Fatalf("%s still may not %s after 30s: %v", user, p, err)
		}
	}
	waitFor("example@example.com", effective.Permission{Verb: "get", Version: "v1", Resource: "secrets", Namespace: "kube-system"})

	base := sweep(objs, false)
	perSubject := map[string]int{}
	for _, a := range base.Snapshot {
		perSubject[a.Subject.Key()] = len(a.Allowed)
	}
	t.Logf("%d subjects, %d candidates each; allowed per subject: %v", len(base.Subjects), len(base.Candidates), perSubject)

	dir := filepath.Join(os.TempDir(), "h7-effective-snapshot")
	if err := effective.WriteSnapshot(dir, base.Snapshot); err != nil {
		t.Fatal(err)
	}
	first := readDir(t, dir)
	again := sweep(objs, true)
	if d := effective.Diff(base.Snapshot, again.Snapshot); len(d) != 0 {
		t.Errorf("the inferred sweep differs from the exhaustive one: %v", d)
	}
	if err := effective.WriteSnapshot(dir, again.Snapshot); err != nil {
		t.Fatal(err)
	}
	second := readDir(t, dir)
	var size int
	for name, data := range first {
		size += len(data)
		if !bytes.Equal(second[name], data) {
			t.Errorf("%s differs between two sweeps of the same cluster", name)
		}
	}
	t.Logf("snapshot: %d files, %d bytes in %s", len(first), size, dir)
	loaded, err := effective.LoadSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d := effective.Diff(loaded, base.Snapshot); len(d) != 0 {
		t.Errorf("the snapshot read back differs from the sweep: %v", d)
	}

	extra, err := manifest.Parse("widen.yaml", []byte(widen))
	if err != nil {
		t.Fatal(err)
	}
	more, err := applier.Apply(ctx, extra)
	applied = append(applied, more...)
	if err != nil {
		t.Fatal(err)
	}
	waitFor("example-impersonator@example.com", effective.Permission{Verb: "impersonate", Version: "v1", Resource: "users", Name: "alice"})
	waitFor("system:serviceaccount:test-in-cluster:default", effective.Permission{Verb: "get", Version: "v1", Resource: "secrets", Namespace: "default"})
	head := sweep(append(objs, extra...), true)
	diffs := effective.Diff(loaded, head.Snapshot)
	var report strings.Builder
	for _, d := range diffs {
		report.WriteString(d.String() + "\n")
	}
	t.Logf("diff after widening:\n%s", report.String())
	for _, want := range []string{
		"get secrets in namespace rbac-e2e-elsewhere", "list secrets at cluster scope", // aggregated into view
		"create secrets in namespace kube-system", // edit in kube-system
		"impersonate users alice at cluster scope",
	} {
		if !strings.Contains(report.String(), "+ "+want) {
			t.Errorf("the diff lacks + %s", want)
		}
	}
	for _, d := range diffs {
		checks := effective.Checks(d, head.API)
		if len(checks) != len(d.Gained)+len(d.Lost) {
			t.Errorf("%s: %d checks for %d differences", d.Subject, len(checks), len(d.Gained)+len(d.Lost))
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}
