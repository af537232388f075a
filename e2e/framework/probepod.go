package framework

import (
	"context"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"rbac-e2e/e2e/framework/access"
	"rbac-e2e/e2e/framework/probe"
)

// StartProbe creates a probe Pod in the spec's namespace (it goes with the
// namespace) and returns its name.
func (f *Framework) StartProbe(ctx context.Context, p probe.Pod) string {
	GinkgoHelper()
	p.Namespace, p.Labels = f.Namespace, f.Env.ObjectLabels()
	pod, err := f.Admin.CoreV1().Pods(f.Namespace).Create(ctx, p.Object(), metav1.CreateOptions{})
	Expect(err).NotTo(HaveOccurred(), "creating probe pod %s/%s", f.Namespace, p.Name)
	return pod.Name
}

// EventuallyProbe polls a probe Pod and the output of its latest container
// until accept passes, and returns that output. A failure tells accept's
// last complaint, the Pod's state, its events and the probe's output.
func (f *Framework) EventuallyProbe(ctx context.Context, pod string, timeout time.Duration, accept func(*corev1.Pod, probe.Output) error) probe.Output {
	GinkgoHelper()
	Byf("waiting up to %s for probe pod %s/%s", timeout, f.Namespace, pod)
	var out probe.Output
	emptyAfterEnd := 0
	Eventually(ctx, func(ctx context.Context) error {
		p, err := f.Admin.CoreV1().Pods(f.Namespace).Get(ctx, pod, metav1.GetOptions{})
		if err != nil {
			return err
		}
		o, logErr := probe.Logs(ctx, f.Admin, f.Namespace, pod)
		ended := p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded
		// An ended Pod's log has been read empty once, the probe having
		// printed (a POD-4 run): the kubelet had not served it all yet.
		// A few more reads before the output counts.
		if ended && logErr == nil && len(o.Lines) == 0 && len(o.Other) == 0 && emptyAfterEnd < emptyLogRereads {
			emptyAfterEnd++
			return probeFailure(fmt.Sprintf("probe pod %s/%s has ended; its log is empty so far (read %d)", f.Namespace, pod, emptyAfterEnd))
		}
		err = accept(p, o)
		if err == nil {
			out = o
			return nil
		}
		msg := fmt.Sprintf("%v\n%s  probe output:\n%s", err, probe.Describe(ctx, f.Admin, f.Namespace, pod), o)
		if logErr != nil {
			msg += "\n  (" + logErr.Error() + ")"
		}
		if ended {
			return StopTrying("the probe pod has ended: " + msg)
		}
		if reason := probe.CannotStart(p); reason != "" {
			return StopTrying("the probe pod cannot start (" + reason + "): " + msg)
		}
		return probeFailure(msg)
	}).WithTimeout(timeout).WithPolling(time.Second).Should(Succeed())
	return out
}

// emptyLogRereads is how often an ended probe Pod's empty log is read again
// (once a second) before the empty output is judged.
const emptyLogRereads = 5

// ProbeResult waits for a probe Pod that runs once to succeed and returns
// what it printed.
func (f *Framework) ProbeResult(ctx context.Context, pod string) probe.Output {
	GinkgoHelper()
	return f.EventuallyProbe(ctx, pod, f.Timeouts.Probe, func(p *corev1.Pod, _ probe.Output) error {
		if p.Status.Phase != corev1.PodSucceeded {
			return fmt.Errorf("probe pod %s is %s, want %s", pod, p.Status.Phase, corev1.PodSucceeded)
		}
		return nil
	})
}

// ExpectSameAsProbe makes request r from outside with s's token (both
// channels and the access review; an object of its own per channel, as the
// probe does) and checks that the probe's in-pod channels got for r what the
// outside channels got, and what e expects (probe.Agree).
func (f *Framework) ExpectSameAsProbe(ctx context.Context, s access.Subject, r access.Request, e access.Expectation, out probe.Output, inPodChannels ...string) {
	GinkgoHelper()
	res, err := f.Checker.DoPerChannel(ctx, s, r, e)
	Expect(err).NotTo(HaveOccurred())
	if err := probe.Agree(res, r, s.User, out, inPodChannels...); err != nil {
		Fail(err.Error())
	}
}

// probeFailure is a failure report that Gomega prints once (it would print
// an error's message, then the error's fields again).
type probeFailure string

func (p probeFailure) Error() string { return string(p) }

// GomegaString is what Gomega shows after the message.
func (probeFailure) GomegaString() string { return "(see above)" }
