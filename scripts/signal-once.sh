#!/usr/bin/env bash
# signal-once.sh CMD...: runs CMD (the ginkgo run) in a process group of its
# own and turns whatever interrupts make into exactly one SIGINT to that group.
#
# Why: Ginkgo runs its clean-up (DeferCleanup, AfterSuite: the sweep, the
# cluster's deletion) on the first interrupt and skips it on a second. A
# terminal's Ctrl-C reaches every process of make's group, and `go tool`
# passes it on once more to the ginkgo CLI; a CI runner's SIGTERM reaches
# make alone, which passes SIGTERM to its child, and the ginkgo CLI never
# passes a signal to its test processes, so they would go on running. Here
# the test processes get one SIGINT, however the run was interrupted.
set -uo pipefail
set -m # job control: the background job gets its own process group
"$@" &
pid=$!
set +m
signalled=
forward() {
	if [ -z "$signalled" ]; then
		signalled=1
		[ "$1" = SIGTERM ] && ! kill -0 "$parent" 2>/dev/null && set -- "SIGTERM (make's recipe shell ended)"
		echo "signal-once: $1: interrupting the run once; it cleans up before it ends (further signals are not passed on)" >&2
		kill -INT -- "-$pid" 2>/dev/null || true
	fi
}
trap 'forward SIGINT' INT
trap 'forward SIGTERM' TERM
trap 'forward SIGHUP' HUP
# A SIGTERM to make alone is passed to make's recipe shell, which dies of it
# without passing it on: the end of the parent counts as that signal.
parent=$PPID
(while kill -0 "$parent" 2>/dev/null; do sleep 1; done; kill -TERM $$ 2>/dev/null) &
watcher=$!
while :; do
	wait "$pid"
	rc=$?
	# wait returns early (status > 128) when a trapped signal arrives.
	if kill -0 "$pid" 2>/dev/null; then
		continue
	fi
	if [ -n "$signalled" ] && [ "$rc" -gt 128 ]; then
		wait "$pid" 2>/dev/null
		rc2=$?
		[ "$rc2" -ne 127 ] && rc=$rc2
	fi
	kill "$watcher" 2>/dev/null
	exit "$rc"
done
