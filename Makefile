# rbac-e2e: ServiceAccount authentication and RBAC conformance on a kind cluster.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

ARTIFACTS ?= $(CURDIR)/_artifacts
# Specs wait on the API server far more than they compute: more processes than cores.
# Measured on a reused kind cluster, 2 shared cores (h12, 2026-12-01), the default set's
# parallel phase (set-up to the first Serial spec): PROCS=4 28.4 s, 6 27.3 s, 8 16.7 s, the
# last close to its floor, the longest spec (AUTHN-8, ~13 s). More buys nothing more.
PROCS ?= 8
# e2e-run passes --randomize-all: every spec is then its own group to order, so the
# SpecPriority of the long ones (e2e/priority_test.go) starts them first.
# make e2e leaves out the slow tier, the access diff (it needs a base: make access-diff) and
# the sweep benchmark (make bench-sweep); make test (CI) runs all but the benchmark.
LABELS ?= !slow && !access-diff && !bench-sweep
GINKGO := go tool ginkgo
GINKGO_FLAGS ?=
E2E_OFFLINE_NODE_IMAGE ?= $(shell scripts/node-image/build.sh --print-tag)
export ARTIFACTS E2E_OFFLINE_NODE_IMAGE

.PHONY: test unit e2e e2e-run docker-engine node-image node-image-if-needed dry-run clean-cluster sweep
.PHONY: bench-gate e2e-hardened snapshot access-diff bench-sweep bench-suite

## test: unit tests, then every e2e spec on a kind cluster (the slow tier too, and the access
## diff against HEAD's manifests; not the sweep benchmark), then the default set on each
## production-like kind config. What CI runs.
test: unit
	$(MAKE) access-diff BASE=HEAD DIFF_LABELS='!bench-sweep'
	$(MAKE) e2e-hardened

## unit: vet and the tests that need no cluster.
unit:
	go vet ./...
	go test ./e2e/framework/... ./e2e/cmd/... ./e2e/probe/...

## e2e: bring up Docker and the node image when needed, then the suite.
e2e: docker-engine node-image-if-needed e2e-run

# The suite's output is kept in $(ARTIFACTS)/ginkgo-output.log (tee ignores Ctrl-C and
# SIGTERM, so ginkgo can still clean up and print); then, whatever ginkgo's status, every
# file there (junit.xml and that log included) is scanned for the run's credentials.
# The target fails when either fails, with ginkgo's status first.
# Interrupts: the run is a job of its own (set -m) that this recipe's shell passes Ctrl-C and
# SIGTERM to (make passes a SIGTERM to the recipe's shell only, and waits for it), and
# scripts/signal-once.sh makes whatever arrives exactly one SIGINT for ginkgo's processes:
# Ginkgo cleans up on the first interrupt and skips clean-up on a second.
e2e-run:
	mkdir -p "$(ARTIFACTS)" && rm -rf "$(ARTIFACTS)/.credential-hashes"
	status=0; set -m; \
	scripts/signal-once.sh $(GINKGO) -p --procs=$(PROCS) --randomize-all --timeout=60m --poll-progress-after=120s \
	  $(if $(LABELS),--label-filter='$(LABELS)') \
	  --junit-report=junit.xml --output-dir="$(ARTIFACTS)" $(GINKGO_FLAGS) ./e2e \
	  > >(trap '' INT TERM; exec tee "$(ARTIFACTS)/ginkgo-output.log") 2>&1 & run=$$!; set +m; \
	trap 'kill -INT $$run 2>/dev/null' INT; trap 'kill -TERM $$run 2>/dev/null' TERM; \
	while :; do wait $$run && status=0 || status=$$?; kill -0 $$run 2>/dev/null || break; done; wait; \
	go run ./e2e/cmd/scan-credentials -artifacts "$(ARTIFACTS)" || { scan=$$?; [ $$status -ne 0 ] || status=$$scan; }; \
	exit $$status

## dry-run: list every spec with its scenario IDs, without a cluster.
dry-run:
	$(GINKGO) --dry-run -v --no-color ./e2e | grep -E '(AUTHN|AUTHZ|POD|GATE)-[0-9]+' | grep -v '^ *[/]'

docker-engine:
	scripts/docker-engine.sh

## node-image: build the offline kind node image from source (skipped when its tag exists).
node-image: docker-engine
	scripts/node-image/build.sh

node-image-if-needed:
	scripts/node-image/build.sh --if-needed

## e2e-hardened: the default set on each hardened kind config (fixtures/kind/: anonymous
## auth only on health endpoints; Pod Security restricted by default), each on its own
## cluster (rbac-e2e-anon, rbac-e2e-pss), deleted afterwards; prints each one's time.
e2e-hardened: docker-engine node-image-if-needed
	scripts/e2e-hardened.sh

## clean-cluster: delete a kept suite cluster (E2E_REUSE_CLUSTER=true keeps it).
clean-cluster:
	go run ./e2e/cmd/clean-cluster

## sweep: delete every object a run left (label app.kubernetes.io/managed-by=rbac-e2e) from
## the suite's kind cluster (E2E_CLUSTER_NAME), or from E2E_KUBECONFIG's cluster when set.
sweep:
	go run ./e2e/cmd/sweep

## bench-gate: the RBAC gate on BENCH_CHECKS generated checks (default 10,000) against
## manifests/; prints the summary with checks per second ($(ARTIFACTS)/gate/summary.md).
BENCH_CHECKS ?= 10000
bench-gate: docker-engine node-image-if-needed
	mkdir -p "$(ARTIFACTS)" && rm -rf "$(ARTIFACTS)/gate"
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	go run ./e2e/cmd/gen-matrix -checks $(BENCH_CHECKS) -out "$$tmp"; \
	status=0; E2E_GATE_FIXTURES="$$tmp" $(MAKE) e2e-run LABELS='gate && GATE-1' || status=$$?; \
	cat "$(ARTIFACTS)/gate/summary.md"; exit $$status

## snapshot: record every subject's effective access under manifests/ (E2E_GATE_MANIFESTS)
## into fixtures/snapshot/ (E2E_GATE_SNAPSHOT): the gate's GATE-3 spec on the suite's
## cluster (created, or reused with E2E_REUSE_CLUSTER=true), writing instead of comparing.
snapshot: docker-engine node-image-if-needed
	E2E_WRITE_SNAPSHOT=true $(MAKE) e2e-run LABELS='snapshot'

## access-diff: BASE=<git ref>: apply manifests/ as they are at BASE, sweep, apply the working
## tree's (removing what is gone), sweep again; writes $(ARTIFACTS)/gate/diff.md and diff.json.
## DIFF_LABELS picks the specs (default the diff alone; CI gives `gate`: the whole gate, with
## the audit judging findings present at BASE as not new).
## BASE_MANIFESTS is the manifests' folder in the repository at BASE (the working tree's side
## is E2E_GATE_MANIFESTS, default manifests/).
DIFF_LABELS ?= access-diff
BASE_MANIFESTS ?= manifests
access-diff: docker-engine node-image-if-needed
	@test -n "$(BASE)" || { echo "make access-diff needs BASE=<git ref>, e.g. BASE=origin/main" >&2; exit 2; }
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	dir=$(BASE_MANIFESTS); mkdir -p "$$tmp/$$dir"; \
	if git cat-file -e "$(BASE):$$dir" 2>/dev/null; then git archive "$(BASE)" -- "$$dir" | tar -x -C "$$tmp"; \
	else echo "$$dir/ does not exist at $(BASE): the base has no manifests"; fi; \
	E2E_GATE_BASE="$$tmp/$$dir" E2E_GATE_BASE_NAME="$(BASE)" $(MAKE) e2e-run LABELS='$(DIFF_LABELS)'

## bench-sweep: sweep a kind cluster for BENCH_SUBJECTS ServiceAccounts (default 30, with varied
## bindings, generated beside manifests/ into a temporary folder) and print reviews per second,
## wire confirmations (every permission they gained over fixtures/snapshot/) and the total.
BENCH_SUBJECTS ?= 30
bench-sweep: docker-engine node-image-if-needed
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r manifests/. "$$tmp/"; go run ./e2e/cmd/gen-subjects -subjects $(BENCH_SUBJECTS) -out "$$tmp/bench-subjects.yaml"; \
	status=0; E2E_GATE_MANIFESTS="$$tmp" $(MAKE) e2e-run LABELS='bench-sweep' || status=$$?; \
	cat "$(ARTIFACTS)/gate/bench-sweep.txt" 2>/dev/null; exit $$status

## bench-suite: BENCH_RUNS warm runs (default 5) of the default set (LABELS, default '!slow')
## on a reused cluster (E2E_REUSE_CLUSTER=true; one cold run first, not counted); prints
## min / median / max of the ginkgo run's time and the five slowest specs (median of each
## spec's junit.xml time). Each run's artifacts: $(ARTIFACTS)/bench-suite/run-N.
BENCH_RUNS ?= 5
bench-suite: docker-engine node-image-if-needed
	BENCH_RUNS=$(BENCH_RUNS) LABELS='$(LABELS)' PROCS=$(PROCS) scripts/bench-suite.sh
