package forensics

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// ListEvents lists a namespace's events (metav1.NamespaceAll: every
// namespace's), page by page.
func ListEvents(ctx context.Context, client kubernetes.Interface, namespace string) ([]corev1.Event, error) {
	var events []corev1.Event
	opts := metav1.ListOptions{Limit: 500}
	for {
		list, err := client.CoreV1().Events(namespace).List(ctx, opts)
		if err != nil {
			return events, fmt.Errorf("listing events of %s: %w", namespaceText(namespace), err)
		}
		events = append(events, list.Items...)
		if list.Continue == "" {
			return events, nil
		}
		opts.Continue = list.Continue
	}
}

// FormatEvents is the suite's one event formatter (events.txt, a spec's
// forensics, a probe Pod's story, the set-up's diagnosis): oldest first,
// one line each: time, namespace, object, type, reason, message (xN when
// repeated).
func FormatEvents(events []corev1.Event) string { return FormatEventsAs(events, EventFormat{}) }

// EventFormat fits FormatEvents' lines to the text around them.
type EventFormat struct {
	// Indent heads every line.
	Indent string
	// Clock writes the time of day (UTC) instead of the RFC 3339 time.
	Clock bool
	// NoObject leaves out the namespace and the object, which the text
	// around names already.
	NoObject bool
}

// FormatEventsAs is FormatEvents with the lines fitted by f.
func FormatEventsAs(events []corev1.Event, f EventFormat) string {
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b corev1.Event) int { return EventTime(a).Compare(EventTime(b)) })
	var b strings.Builder
	for _, e := range events {
		b.WriteString(f.Indent + FormatEvent(e, f) + "\n")
	}
	return b.String()
}

// FormatEvent is one event as FormatEventsAs writes it, without indent or
// line end.
func FormatEvent(e corev1.Event, f EventFormat) string {
	layout := time.RFC3339
	if f.Clock {
		layout = time.TimeOnly
	}
	where := ""
	if !f.NoObject {
		where = orDash(e.Namespace) + " " + e.InvolvedObject.Kind + "/" + e.InvolvedObject.Name + " "
	}
	count := ""
	if e.Count > 1 {
		count = fmt.Sprintf(" (x%d)", e.Count)
	}
	return fmt.Sprintf("%s %s%s %s: %s%s", EventTime(e).UTC().Format(layout), where, e.Type, e.Reason,
		strings.Join(strings.Fields(e.Message), " "), count)
}

// EventTime is when an event last happened, whichever of its times is set.
func EventTime(e corev1.Event) time.Time {
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

func namespaceText(ns string) string {
	if ns == metav1.NamespaceAll {
		return "all namespaces"
	}
	return "namespace " + ns
}
