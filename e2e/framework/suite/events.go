package suite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"rbac-e2e/e2e/framework/forensics"
	"rbac-e2e/e2e/framework/secrets"
)

// ExportEvents writes every namespace's events to path as text, oldest
// first, one line each (forensics.FormatEvents).
func ExportEvents(ctx context.Context, admin kubernetes.Interface, path string) error {
	events, err := forensics.ListEvents(ctx, admin, metav1.NamespaceAll)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("# %d events, all namespaces, exported %s\n", len(events), time.Now().UTC().Format(time.RFC3339)) +
		forensics.FormatEvents(events)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, secrets.Redact([]byte(text)), 0o644)
}
