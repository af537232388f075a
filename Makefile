# rbac-e2e: ServiceAccount authentication and RBAC conformance on a kind cluster.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

ARTIFACTS ?= $(CURDIR)/_artifacts
# Specs wait on the API server far more than they compute: more processes than cores.
PROCS ?= 4
# make e2e leaves out the slow tier; make test (CI) runs everything.
LABELS ?= !slow
GINKGO := go tool ginkgo
GINKGO_FLAGS ?=
E2E_OFFLINE_NODE_IMAGE ?= $(shell scripts/node-image/build.sh --print-tag)
export ARTIFACTS E2E_OFFLINE_NODE_IMAGE

.PHONY: test unit e2e e2e-run docker-engine node-image node-image-if-needed dry-run clean-cluster
.PHONY: bench-gate

## test: unit tests, then every e2e spec (slow ones too) on a kind cluster. What CI runs.
test: unit
	$(MAKE) e2e LABELS=

## unit: vet and the tests that need no cluster.
unit:
	go vet ./...
	go test ./e2e/framework/... ./e2e/cmd/... ./e2e/probe/...

## e2e: bring up Docker and the node image when needed, then the suite.
e2e: docker-engine node-image-if-needed e2e-run

e2e-run:
	mkdir -p "$(ARTIFACTS)"
	$(GINKGO) -p --procs=$(PROCS) --timeout=60m --poll-progress-after=120s \
	  $(if $(LABELS),--label-filter='$(LABELS)') \
	  --junit-report=junit.xml --output-dir="$(ARTIFACTS)" $(GINKGO_FLAGS) ./e2e

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

## clean-cluster: delete a kept suite cluster (E2E_REUSE_CLUSTER=true keeps it).
clean-cluster:
	go run ./e2e/cmd/clean-cluster

## bench-gate: the RBAC gate on BENCH_CHECKS generated checks (default 10,000) against
## manifests/; prints the summary with checks per second ($(ARTIFACTS)/gate/summary.md).
BENCH_CHECKS ?= 10000
bench-gate: docker-engine node-image-if-needed
	mkdir -p "$(ARTIFACTS)" && rm -rf "$(ARTIFACTS)/gate"
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	go run ./e2e/cmd/gen-matrix -checks $(BENCH_CHECKS) -out "$$tmp"; \
	status=0; E2E_GATE_FIXTURES="$$tmp" $(MAKE) e2e-run LABELS=gate || status=$$?; \
	cat "$(ARTIFACTS)/gate/summary.md"; exit $$status
