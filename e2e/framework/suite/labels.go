package suite

// Every object the suite creates carries these labels, so a sweep can find
// what an interrupted run left behind (Environment.ObjectLabels).
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "rbac-e2e"
	RunLabel       = "rbac-e2e.io/run"
)

// ManagedSelector selects everything the suite made, in any run.
const ManagedSelector = ManagedByLabel + "=" + ManagedByValue
