package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"rbac-e2e/e2e/framework"
	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/identity"
	"rbac-e2e/e2e/framework/probe"
	"rbac-e2e/e2e/framework/suite"
	"rbac-e2e/e2e/probe/wire"
)

// probeImage is the in-pod probe's image: built by process 1 and loaded
// into the nodes of a kind cluster the local Docker engine runs (the suite's
// own or a recognised one), or given by the user (E2E_PROBE_IMAGE, pulled
// IfNotPresent). Empty when neither can be had; probeUnavailable says why.
var (
	probeImage       string
	probePullPolicy  corev1.PullPolicy
	probeUnavailable string
)

// inPodLabelSets are the labels of the in-pod specs: process 1 builds the
// probe image only when the run's label filter selects one of them.
var inPodLabelSets []Labels

// inPod labels an in-pod spec and records its labels.
func inPod(labels ...string) Labels {
	l := Label(append([]string{"in-pod"}, labels...)...)
	inPodLabelSets = append(inPodLabelSets, l)
	return l
}

func inPodSpecsSelected() bool {
	filter := GinkgoLabelFilter()
	for _, l := range inPodLabelSets {
		if l.MatchesLabelFilter(filter) {
			return true
		}
	}
	return false
}

// podNetworkUp: this process saw kube-proxy ready on every node.
var podNetworkUp bool

var bothChannels = []string{wire.ChannelClientGo, wire.ChannelHTTP}

var _ = Describe("From inside a Pod", longSpecs(40), func() {
	BeforeEach(func(ctx SpecContext) {
		if probeImage == "" {
			Skip("in-pod specs need the probe image, and this run has none: " + probeUnavailable)
		}
		// Probe Pods dial 10.96.0.1: on the suite's new cluster, not before
		// kube-proxy routes it (once per process; the set-up waits for the
		// controllers only, so the other specs need not wait for this).
		if thisRun.OwnCluster && !podNetworkUp {
			Expect(suite.WaitForSystemReady(ctx, runEnv.Admin, suite.SystemWait{
				PodNetwork: true, Timeout: timeouts.Scaled(settings.SystemReadyTimeout), Log: GinkgoWriter,
			})).To(Succeed(), "waiting until Pods can reach the API server")
			podNetworkUp = true
		}
	})
	f := framework.New("pod", environment)

	probePod := func(name, serviceAccount string, args wire.Args) probe.Pod {
		return probe.Pod{Name: name, Image: probeImage, PullPolicy: probePullPolicy, ServiceAccount: serviceAccount, Args: args}
	}

	// POD-1: a Pod that names a ServiceAccount gets its credentials mounted
	// under /var/run/secrets/kubernetes.io/serviceaccount: token, ca.crt and
	// namespace. The namespace file names the Pod's namespace; the token's
	// subject claim is that ServiceAccount, its kubernetes.io claims bind it
	// to the Pod, and the API server agrees (a SelfSubjectReview from the Pod,
	// through both in-pod channels, names the account). The kubelet points
	// KUBERNETES_SERVICE_HOST/PORT and KUBERNETES_PORT_443_TCP_ADDR/PORT at
	// the kubernetes Service.
	It("POD-1: the mounted credentials name the Pod's ServiceAccount", inPod("pod", "POD-1"), func(ctx SpecContext) {
		sa := f.CreateServiceAccount(ctx, "mounted")
		user := identity.ServiceAccountUser(f.Namespace, sa.Name)
		pod := f.StartProbe(ctx, probePod("mounts", sa.Name, wire.Args{Jobs: []string{wire.JobFiles, wire.JobEnv, wire.JobWhoAmI}}))
		out := f.ProbeResult(ctx, pod)
		line := func(channel, action, target string) wire.Line {
			GinkgoHelper()
			l, err := out.One(channel, action, target)
			Expect(err).NotTo(HaveOccurred())
			Expect(l.OK).To(BeTrue(), "probe line %s\nprobe output:\n%s", l, out)
			return l
		}

		for _, path := range wire.MountedFiles {
			line(wire.ChannelFiles, wire.ActionRead, path)
		}
		Expect(line(wire.ChannelFiles, wire.ActionRead, wire.NamespaceFile).Value).To(Equal(f.Namespace), "the mounted namespace file")
		token := line(wire.ChannelFiles, wire.ActionRead, wire.TokenFile)
		Expect(token.Value).To(Equal(user), "the mounted token's subject claim")
		Expect(token.Detail).To(And(
			HaveKeyWithValue(wire.DetailNamespace, f.Namespace),
			HaveKeyWithValue(wire.DetailServiceAccount, sa.Name),
			HaveKeyWithValue(wire.DetailPod, pod),
		), "the mounted token's kubernetes.io claims")
		for _, ch := range bothChannels {
			Expect(line(ch, "create", wire.SelfSubjectReview().Path()).Value).To(Equal(user), "who the API server says the Pod is, through %s", ch)
		}

		svc, err := f.Admin.CoreV1().Services("default").Get(ctx, "kubernetes", metav1.GetOptions{})
		Expect(err).NotTo(HaveOccurred())
		Expect(svc.Spec.Ports).NotTo(BeEmpty())
		port := strconv.Itoa(int(svc.Spec.Ports[0].Port))
		want := map[string]string{
			"KUBERNETES_SERVICE_HOST":      svc.Spec.ClusterIP,
			"KUBERNETES_SERVICE_PORT":      port,
			"KUBERNETES_PORT_443_TCP_ADDR": svc.Spec.ClusterIP,
			"KUBERNETES_PORT_443_TCP_PORT": port,
		}
		for _, name := range wire.EnvVars {
			Expect(line(wire.ChannelEnv, wire.ActionGetenv, name).Value).To(Equal(want[name]), "%s in the Pod (the kubernetes Service is %s:%s)", name, svc.Spec.ClusterIP, port)
		}
	})

	// POD-2: the seed document's program, in a Pod of the namespace's default
	// ServiceAccount: rest.InClusterConfig(), list pods cluster-wide, exit on
	// error. The list is Forbidden with the API server's message (as from
	// outside, both channels), the program exits, and the Pod ends in
	// CrashLoopBackOff. Once `view` is bound cluster-wide to the account, the
	// same program, redeployed as the document does, lists every pod (at
	// least those of kube-system), reports the count and keeps running.
	It("POD-2: rest.InClusterConfig() as the default ServiceAccount is Forbidden until view is bound", inPod("pod", "POD-2"), longSpecs(60), func(ctx SpecContext) {
		sa := f.TokenFor(ctx, "default")
		listAll := wire.ListPods("")
		denied := access.DeniedByRBAC(sa.User, listAll)
		f.ExpectAccess(ctx, sa, listAll, denied)

		seed := wire.Args{Jobs: []string{wire.JobListPods}, Channels: []string{wire.ChannelClientGo},
			Every: 10 * time.Second, For: 10 * time.Minute, ExitOnError: true}
		crashing := probePod("in-cluster", "", seed)
		crashing.RestartAlways = true
		f.EventuallyProbe(ctx, f.StartProbe(ctx, crashing), f.Timeouts.Probe, func(p *corev1.Pod, out probe.Output) error {
			l, err := out.One(wire.ChannelClientGo, "list", listAll.Path())
			if err != nil {
				return err
			}
			if !denied.Met(probe.OutcomeOf(l)) {
				return fmt.Errorf("the program got %s, want %s", l, denied)
			}
			return probe.CrashLooping(ctx, f.Admin, p)
		})

		f.BindClusterWide(ctx, "view", framework.ServiceAccountSubject(f.Namespace, "default"))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, sa, listAll, access.Allowed())
		systemPods, err := f.Admin.CoreV1().Pods("kube-system").List(ctx, metav1.ListOptions{})
		Expect(err).NotTo(HaveOccurred())

		redeployed := probePod("in-cluster-redeployed", "", seed)
		redeployed.RestartAlways = true
		f.EventuallyProbe(ctx, f.StartProbe(ctx, redeployed), f.Timeouts.Probe, func(p *corev1.Pod, out probe.Output) error {
			ls := out.Select(wire.ChannelClientGo, "list", listAll.Path())
			if len(ls) == 0 {
				return fmt.Errorf("no list yet")
			}
			l := ls[0]
			if !l.OK || l.Code != 200 || l.Count == nil || *l.Count < len(systemPods.Items) {
				return fmt.Errorf("the program got %s, want 200 and a count of at least the %d kube-system pods", l, len(systemPods.Items))
			}
			if cs := probeStatus(p); cs == nil || cs.State.Running == nil || cs.RestartCount != 0 {
				return fmt.Errorf("the redeployed program is not running without restarts")
			}
			return nil
		})
	})

	// POD-3: from a Pod, plain net/http with the mounted token and ca.crt (TLS
	// verified against that CA alone, the address from KUBERNETES_SERVICE_*)
	// reaches the API server: GET /healthz answers "ok". Listing pods and a
	// Deployment's create, get and delete follow RBAC exactly as from outside:
	// with no binding each is Forbidden, with `edit` bound in the namespace
	// each is allowed; every time, the Pod's HTTP and client-go results have
	// the status code both outside channels got for the same requests with a
	// token of the same ServiceAccount, and what the access review expects.
	It("POD-3: raw HTTP from a Pod follows RBAC as from outside", inPod("pod", "POD-3"), longSpecs(60), func(ctx SpecContext) {
		sa, tok := f.TokenForNew(ctx, "prober")
		args := wire.Args{Jobs: []string{wire.JobHealthz, wire.JobListPods, wire.JobDeployment}, Namespace: f.Namespace}
		requests := append([]access.Request{wire.ListPods(f.Namespace)}, wire.DeploymentSteps(f.Namespace, wire.DefaultDeployment)...)
		healthzOK := func(out probe.Output) {
			GinkgoHelper()
			l, err := out.One(wire.ChannelHTTP, "get", wire.Healthz().Path())
			Expect(err).NotTo(HaveOccurred())
			Expect(l.Value).To(Equal("ok"), "GET /healthz from the Pod: %s", l)
			f.ExpectSameAsProbe(ctx, tok, wire.Healthz(), access.Status(200), out, wire.ChannelHTTP)
		}

		By("no binding: Forbidden in the Pod as outside")
		out := f.ProbeResult(ctx, f.StartProbe(ctx, probePod("unbound", sa.Name, args)))
		healthzOK(out)
		for _, r := range requests {
			f.ExpectSameAsProbe(ctx, tok, r, access.DeniedByRBAC(tok.User, r), out, bothChannels...)
		}

		By("edit bound in the namespace: allowed in the Pod as outside")
		f.BindInNamespace(ctx, f.Namespace, framework.ClusterRoleRef("edit"), framework.ServiceAccountSubject(f.Namespace, sa.Name))
		f.EventuallyAccess(ctx, f.Timeouts.RBAC, tok, wire.ListPods(f.Namespace), access.Allowed())
		out = f.ProbeResult(ctx, f.StartProbe(ctx, probePod("bound", sa.Name, args)))
		healthzOK(out)
		for _, r := range requests {
			f.ExpectSameAsProbe(ctx, tok, r, access.Allowed(), out, bothChannels...)
		}
	})

	// POD-4: automountServiceAccountToken: false, on the Pod or on its
	// ServiceAccount, mounts no credentials: none of the files is there, and
	// rest.InClusterConfig() fails for want of the token (the variables are
	// still set), as does the probe's plain HTTP client for want of ca.crt.
	DescribeTable("POD-4: without automountServiceAccountToken there are no credentials", inPod("pod", "POD-4"),
		func(ctx SpecContext, onPod bool) {
			sa := f.CreateServiceAccount(ctx, "no-token")
			p := probePod("no-token", sa.Name, wire.Args{Jobs: []string{wire.JobFiles, wire.JobEnv, wire.JobListPods}})
			if onPod {
				p.AutomountToken = ptr.To(false)
			} else {
				sa.AutomountServiceAccountToken = ptr.To(false)
				_, err := f.Admin.CoreV1().ServiceAccounts(f.Namespace).Update(ctx, sa, metav1.UpdateOptions{})
				Expect(err).NotTo(HaveOccurred())
			}
			out := f.ProbeResult(ctx, f.StartProbe(ctx, p))

			for _, path := range wire.MountedFiles {
				l, err := out.One(wire.ChannelFiles, wire.ActionRead, path)
				Expect(err).NotTo(HaveOccurred())
				Expect(l.OK).To(BeFalse(), "%s must not be mounted: %s", path, l)
				Expect(l.Message).To(ContainSubstring("no such file or directory"), "reading %s", path)
			}
			for _, name := range wire.EnvVars {
				l, err := out.One(wire.ChannelEnv, wire.ActionGetenv, name)
				Expect(err).NotTo(HaveOccurred())
				Expect(l.OK).To(BeTrue(), "%s is set whether a token is mounted or not: %s", name, l)
			}
			cfg, err := out.One(wire.ChannelClientGo, wire.ActionInClusterConfig, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(cfg.OK).To(BeFalse(), "rest.InClusterConfig() must fail: %s", cfg)
			Expect(cfg.Message).To(Equal("open "+wire.TokenFile+": no such file or directory"), "the error of rest.InClusterConfig()")
			creds, err := out.One(wire.ChannelHTTP, wire.ActionCredentials, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(creds.OK).To(BeFalse(), "the HTTP client has no ca.crt: %s", creds)
			Expect(out.Select("", "list", "")).To(BeEmpty(), "no request can be made without credentials")
		},
		Entry("set on the Pod", true),
		Entry("set on the ServiceAccount", false),
	)

	// POD-5: every namespace has the kube-root-ca.crt ConfigMap (the new one
	// gets it from the controller within moments), all with the same CA, and
	// its ca.crt is byte for byte the ca.crt mounted in a Pod: the CA the
	// admin kubeconfig trusts, with which the probe verifies the API server.
	It("POD-5: kube-root-ca.crt is the CA mounted in Pods", inPod("pod", "POD-5"), func(ctx SpecContext) {
		var rootCA string
		Eventually(ctx, func(ctx context.Context) error {
			cm, err := f.Admin.CoreV1().ConfigMaps(f.Namespace).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
			if err != nil {
				return err
			}
			rootCA = cm.Data["ca.crt"]
			return nil
		}).WithTimeout(f.Timeouts.Controller).WithPolling(f.Timeouts.Poll).Should(Succeed(), "kube-root-ca.crt in namespace %s", f.Namespace)
		Expect(rootCA).To(ContainSubstring("-----BEGIN CERTIFICATE-----"))
		Expect(rootCA).To(Equal(string(f.Env.AdminConfig.CAData)), "kube-root-ca.crt and the admin kubeconfig's CA")
		for _, ns := range []string{"default", "kube-system", "kube-public"} {
			cm, err := f.Admin.CoreV1().ConfigMaps(ns).Get(ctx, "kube-root-ca.crt", metav1.GetOptions{})
			Expect(err).NotTo(HaveOccurred(), "kube-root-ca.crt in namespace %s", ns)
			Expect(cm.Data["ca.crt"]).To(Equal(rootCA), "kube-root-ca.crt of namespace %s", ns)
		}

		out := f.ProbeResult(ctx, f.StartProbe(ctx, probePod("ca", "", wire.Args{Jobs: []string{wire.JobFiles, wire.JobHealthz}})))
		mounted, err := out.One(wire.ChannelFiles, wire.ActionRead, wire.CAFile)
		Expect(err).NotTo(HaveOccurred())
		sum := sha256.Sum256([]byte(rootCA))
		Expect(mounted.Detail).To(HaveKeyWithValue(wire.DetailSHA256, hex.EncodeToString(sum[:])), "SHA-256 of the mounted ca.crt and of kube-root-ca.crt")
		healthz, err := out.One(wire.ChannelHTTP, "get", wire.Healthz().Path())
		Expect(err).NotTo(HaveOccurred())
		Expect(healthz.OK && healthz.Value == "ok").To(BeTrue(), "GET /healthz, TLS verified with the mounted ca.crt: %s", healthz)
	})

	// AUTHZ-3 (in a Pod): RBAC acts on a running Pod, no restart needed. The
	// probe lists pods cluster-wide every second through both in-pod
	// channels as the default ServiceAccount: Forbidden; the spec binds
	// `view` and the same container (restart count 0, same container ID)
	// gets 200 within the RBAC bound; the spec removes the binding and the
	// container gets 403 again. At each stage both outside channels with a
	// token of the same account agree with the Pod's latest answers.
	It("AUTHZ-3: a running Pod gets 200 once view is bound and 403 once it is removed, without a restart", inPod("AUTHZ-3"), longSpecs(60), func(ctx SpecContext) {
		sa := f.TokenFor(ctx, "default")
		listAll := wire.ListPods("")
		forbidden := access.DeniedByRBAC(sa.User, listAll)
		poller := probePod("poller", "", wire.Args{Jobs: []string{wire.JobListPods}, Every: time.Second, For: 5 * time.Minute})
		poller.RestartAlways = true
		pod := f.StartProbe(ctx, poller)

		var container string
		latestAre := func(e access.Expectation, after int) func(*corev1.Pod, probe.Output) error {
			return func(p *corev1.Pod, out probe.Output) error {
				cs := probeStatus(p)
				if cs == nil || cs.State.Running == nil {
					return fmt.Errorf("the probe is not running")
				}
				if container == "" {
					container = cs.ContainerID
				}
				if cs.RestartCount != 0 || cs.ContainerID != container {
					return StopTrying(fmt.Sprintf("the probe container restarted (restarts %d, container %s, was %s)", cs.RestartCount, cs.ContainerID, container))
				}
				for _, ch := range bothChannels {
					l, ok := out.Last(ch, listAll.Verb, listAll.Path())
					if !ok || l.Seq <= after || !e.Met(probe.OutcomeOf(l)) {
						return fmt.Errorf("the latest %s answer after line #%d is not %s", ch, after, e)
					}
				}
				return nil
			}
		}
		stage := func(name string, timeout time.Duration, e access.Expectation, after int) (probe.Output, int) {
			GinkgoHelper()
			out := f.EventuallyProbe(ctx, pod, timeout, latestAre(e, after))
			f.ExpectSameAsProbe(ctx, sa, listAll, e, out.Latest(), bothChannels...)
			last := out.Lines[len(out.Lines)-1]
			GinkgoWriter.Printf("%s: the Pod got %s at %s (line #%d)\n", name, e, last.Time.Format(time.RFC3339Nano), last.Seq)
			return out, last.Seq
		}

		// The Pod polls every second: it sees a change within the RBAC bound plus that.
		changeSeen := f.Timeouts.RBAC + 2*time.Second
		_, seen := stage("no binding", f.Timeouts.Probe, forbidden, 0)
		binding := f.BindClusterWide(ctx, "view", framework.ServiceAccountSubject(f.Namespace, "default"))
		bound := time.Now()
		_, seen = stage(fmt.Sprintf("view bound at %s", bound.Format(time.RFC3339Nano)), changeSeen, access.Allowed(), seen)
		f.UnbindClusterWide(ctx, binding)
		unbound := time.Now()
		stage(fmt.Sprintf("binding removed at %s", unbound.Format(time.RFC3339Nano)), changeSeen, forbidden, seen)
	})
})

// probeStatus is the status of the probe container, nil before it has one.
func probeStatus(p *corev1.Pod) *corev1.ContainerStatus {
	for i := range p.Status.ContainerStatuses {
		if p.Status.ContainerStatuses[i].Name == probe.Container {
			return &p.Status.ContainerStatuses[i]
		}
	}
	return nil
}
