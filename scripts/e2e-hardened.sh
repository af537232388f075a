#!/usr/bin/env bash
# The default set (LABELS, default '!slow') on each hardened kind config of
# fixtures/kind/, one after the other, each on a kind cluster of its own
# (rbac-e2e-<id>, never the main one) that the suite creates and deletes;
# prints each one's time and spec counts. Exits non-zero when any run failed.
#   scripts/e2e-hardened.sh [ID:CONFIG ...]   (default: anon, pss)
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts=${ARTIFACTS:-$PWD/_artifacts}
configs=("$@")
[[ ${#configs[@]} -gt 0 ]] || configs=(anon:anonymous-health-only pss:pod-security-restricted)

# count JUNIT STATUS...: how many specs (not set-up nodes) ended so.
count() {
  local junit=$1 statuses n=0 s
  shift
  statuses=$(grep -o '<testcase name="\[It\][^"]*"[^>]* status="[a-z]*"' "$junit" 2>/dev/null | grep -o 'status="[a-z]*"' || true)
  for s in "$@"; do n=$((n + $(grep -c "\"$s\"" <<<"$statuses" || true))); done
  echo "$n"
}

# Ginkgo's JUnit marks specs the label filter left out as skipped with the
# bare message "skipped"; a spec that called Skip carries its reason.
unselected() { grep -A1 '<testcase name="\[It\]' "$1" 2>/dev/null | grep -c '<skipped message="skipped">' || true; }
skipped() { echo $(($(count "$1" skipped pending) - $(unselected "$1"))); }

summary=() status=0
for entry in "${configs[@]}"; do
  id=${entry%%:*} config=$PWD/fixtures/kind/${entry#*:}.yaml name=rbac-e2e-${entry%%:*}
  out=$artifacts/hardened-$id
  echo "e2e-hardened: $id: cluster $name from ${config#"$PWD"/}, artifacts in $out"
  start=$(date +%s) rc=0
  # The gate shares the hardened cluster (Serial, after the scenario specs): one cluster per
  # config, and CI runs the gate both ways (make access-diff gives it a cluster of its own).
  E2E_CLUSTER_NAME=$name E2E_KIND_CONFIG=$config E2E_REUSE_CLUSTER=false E2E_KUBECONFIG= E2E_GATE_CLUSTER=shared \
    make --no-print-directory e2e-run ARTIFACTS="$out" ${LABELS+LABELS="$LABELS"} || rc=$?
  secs=$(($(date +%s) - start))
  # The suite deletes a cluster it created; this catches one left by a set-up that died.
  E2E_CLUSTER_NAME=$name go run ./e2e/cmd/clean-cluster >/dev/null 2>&1 || true
  j=$out/junit.xml
  line="$id (${config#"$PWD"/}): exit $rc after ${secs}s; $(count "$j" passed) passed, $(count "$j" failed panicked interrupted timedout aborted) failed, $(skipped "$j") skipped by a spec, $(unselected "$j") not selected by LABELS"
  summary+=("$line")
  echo "e2e-hardened: $line"
  [[ $rc -eq 0 ]] || status=1
done
echo "e2e-hardened: summary"
printf '  %s\n' "${summary[@]}"
exit $status
