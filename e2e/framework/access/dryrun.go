package access

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// dryRun is the client-go form of DryRun, the same as the query the HTTP
// channel sends.
func (r Request) dryRun() []string {
	if !r.DryRun {
		return nil
	}
	return []string{metav1.DryRunAll}
}
