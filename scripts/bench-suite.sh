#!/usr/bin/env bash
# bench-suite: BENCH_RUNS warm runs of the default set (LABELS: make passes its default) on a reused
# cluster (E2E_REUSE_CLUSTER=true). One cold run comes first (it creates or attaches the
# cluster, builds the probe image) and is not counted. Each run's artifacts go to
# $ARTIFACTS/bench-suite/run-N (run-0 is the cold one). Prints min / median / max of the
# ginkgo run's wall time (ginkgo's own "Ran N of M Specs in X seconds": the suite from
# set-up to clean-up, without compiling) and the five slowest specs (median over the
# counted runs of each spec's junit.xml time), the load after each run and where the time
# goes (set-up, parallel specs, the gate when it runs beside them, Serial specs). A failed
# run fails the bench.
set -euo pipefail
runs=${BENCH_RUNS:-5}
labels=${LABELS-!slow}
out="${ARTIFACTS:?}/bench-suite"
rm -rf "$out" && mkdir -p "$out"
export E2E_REUSE_CLUSTER=true
for i in $(seq 0 "$runs"); do
  dir="$out/run-$i"
  kind=warm; [ "$i" -eq 0 ] && kind="cold (not counted)"
  echo "== bench-suite run $i/$runs, $kind; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  start=$(date +%s.%N)
  if ! make --no-print-directory e2e-run ARTIFACTS="$dir" LABELS="$labels" >"$dir.log" 2>&1; then
    mkdir -p "$dir"; mv "$dir.log" "$dir/make.log"
    echo "bench-suite: run $i failed; its output: $dir/make.log" >&2
    tail -n 30 "$dir/make.log" >&2; exit 1
  fi
  end=$(date +%s.%N)
  mv "$dir.log" "$dir/make.log"
  echo "$end - $start" | bc >"$dir/make-seconds"
  cut -d' ' -f1-3 /proc/loadavg >"$dir/load"
done
python3 - "$out" "$runs" <<'PY'
import re, statistics, sys, xml.etree.ElementTree as ET
from datetime import datetime
out, runs = sys.argv[1], int(sys.argv[2])
walls, makes, loads, specs, phase = [], [], [], {}, {}
at = re.compile(r"@ (\d\d/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?)")

def stamp(t):
    return datetime.strptime(t if "." in t else t + ".0", "%m/%d/%y %H:%M:%S.%f").timestamp()

def phases(path):
    # Where the run's time goes: set-up (process 1's SynchronizedBeforeSuite),
    # the parallel specs, then the Serial ones (run alone, after the others).
    # The gate on its own cluster runs beside the parallel specs: its span is
    # shown apart, and the end is the last spec's end to the run's.
    spans = {"set-up": [], "parallel specs": [], "gate": [], "serial specs": []}
    for tc in ET.parse(path).getroot().iter("testcase"):
        name, err = tc.get("name"), "".join(e.text or "" for e in tc.iter("system-err"))
        m = at.search(err)
        if not m or tc.get("status") in ("skipped", "pending"):
            continue
        start = stamp(m.group(1))
        span = (start, start + float(tc.get("time")))
        if name == "[SynchronizedBeforeSuite]":
            # Every process reports the whole set-up's time; their stamps differ.
            spans["set-up"].append((0, float(tc.get("time"))))
        elif name.startswith("[It]"):
            kind = "serial specs" if "Serial" in name else "gate" if name.startswith("[It] RBAC gate") else "parallel specs"
            spans[kind].append(span)
    return {k: max(e for _, e in v) - min(s for s, _ in v) for k, v in spans.items() if v}
for i in range(1, runs + 1):
    d = f"{out}/run-{i}"
    m = re.search(r"Ran \d+ of \d+ Specs in ([0-9.]+) seconds", open(f"{d}/ginkgo-output.log").read())
    walls.append(float(m.group(1)))
    makes.append(float(open(f"{d}/make-seconds").read()))
    loads.append(open(f"{d}/load").read().strip())
    ph = phases(f"{d}/junit.xml")
    for k, v in ph.items():
        phase.setdefault(k, []).append(v)
    for tc in ET.parse(f"{d}/junit.xml").getroot().iter("testcase"):
        st = tc.get("status")
        if st in ("skipped", "pending"):
            continue
        # Keyed without the labels ginkgo appends ("... [authn, AUTHN-8]").
        name = re.sub(r" \[[^\]]*\]$", "", tc.get("name"))
        specs.setdefault(name, []).append(float(tc.get("time")))
f = lambda xs: f"min {min(xs):.1f} s / median {statistics.median(xs):.1f} s / max {max(xs):.1f} s"
print(f"bench-suite: {runs} warm runs (the cold run before them not counted), reused cluster")
print(f"  ginkgo run:        {f(walls)}   ({', '.join(f'{w:.1f}' for w in walls)})")
print(f"  make e2e-run:      {f(makes)}   (with compile and credential scan)")
print(f"  load (1/5/15 min) after each run: {'; '.join(loads)}")
print("  phases (median): " + ", ".join(f"{k} {statistics.median(v):.1f} s" for k, v in phase.items()))
print("  five slowest specs (median of the runs):")
for name, ts in sorted(specs.items(), key=lambda kv: -statistics.median(kv[1]))[:5]:
    print(f"    {statistics.median(ts):6.1f} s  {name}")
PY
