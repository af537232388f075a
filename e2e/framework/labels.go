package framework

// Every object the suite creates carries these labels, so a sweep can find
// what an interrupted run left behind.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "rbac-e2e"
	RunLabel       = "rbac-e2e.io/run"
)

// ManagedSelector selects everything the suite made, in any run.
const ManagedSelector = ManagedByLabel + "=" + ManagedByValue

// ObjectLabels are the labels of an object made in this run.
func ObjectLabels() map[string]string {
	return map[string]string{ManagedByLabel: ManagedByValue, RunLabel: Env.RunID}
}
