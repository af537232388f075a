package framework

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ExportEvents writes every namespace's events to path as text, oldest
// first, one line each: time, namespace, object, type, reason, message.
func ExportEvents(ctx context.Context, admin kubernetes.Interface, path string) error {
	var events []corev1.Event
	opts := metav1.ListOptions{Limit: 500}
	for {
		list, err := admin.CoreV1().Events(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return fmt.Errorf("listing events: %w", err)
		}
		events = append(events, list.Items...)
		if list.Continue == "" {
			break
		}
		opts.Continue = list.Continue
	}
	slices.SortStableFunc(events, func(a, b corev1.Event) int { return eventTime(a).Compare(eventTime(b)) })
	var b strings.Builder
	fmt.Fprintf(&b, "# %d events, all namespaces, exported %s\n", len(events), time.Now().UTC().Format(time.RFC3339))
	for _, e := range events {
		obj := e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name
		count := ""
		if e.Count > 1 {
			count = fmt.Sprintf(" (x%d)", e.Count)
		}
		fmt.Fprintf(&b, "%s %s %s %s %s: %s%s\n", eventTime(e).UTC().Format(time.RFC3339), orDash(e.Namespace), obj,
			e.Type, e.Reason, strings.Join(strings.Fields(e.Message), " "), count)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func eventTime(e corev1.Event) time.Time {
	switch {
	case !e.LastTimestamp.IsZero():
		return e.LastTimestamp.Time
	case !e.EventTime.IsZero():
		return e.EventTime.Time
	}
	return e.CreationTimestamp.Time
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
