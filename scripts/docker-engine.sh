#!/usr/bin/env bash
# Ensures a Docker engine that can run kind (--privileged containers with systemd
# inside) is running on this Debian bookworm machine, which has no systemd as PID 1.
#
# Bookworm's own dockerd (20.10) cannot start privileged containers here, so this runs
# trixie's dockerd (taken out of its .deb, cached per version) on top of bookworm's
# containerd and runc. See /work/shared/notes/environment.md, section "Docker engine".
set -euo pipefail

DOCKERD_VERSION="${DOCKERD_VERSION:-26.1.5}"
CACHE_ROOT=/var/cache/rbac-e2e
BIN_DIR="$CACHE_ROOT/dockerd-$DOCKERD_VERSION"
APT_DIR="$CACHE_ROOT/apt-trixie"
CONTAINERD_SOCK=/run/containerd/containerd.sock
CONTAINERD_LOG=/var/log/rbac-e2e-containerd.log
DOCKERD_LOG=/var/log/rbac-e2e-dockerd.log
WAIT_SECONDS=60

log() { echo "docker-engine: $*"; }
die() { echo "docker-engine: ERROR: $*" >&2; exit 1; }

server_version() { docker version --format '{{.Server.Version}}' 2>/dev/null; }

# A cheap real check (run a privileged container) needs an image, and none can be
# pulled here, so the server version stands in for it: engines before 23.0 ask runc for
# every capability the kernel knows, including CAP_SYS_RESOURCE which is missing from
# this machine's bounding set ("unable to apply caps"); from 23.0 on (moby#42933) they
# ask only for the capabilities dockerd itself has.
engine_ok() {
  local version major
  version=$(server_version) || return 1
  major=${version%%.*}
  [[ $major =~ ^[0-9]+$ ]] && ((major >= 23))
}

check_prerequisites() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it installs packages and starts daemons)"
  local tool
  for tool in apt-get apt-cache dpkg-deb dpkg-query setsid docker; do
    command -v "$tool" >/dev/null || die "'$tool' not found on PATH"
  done
}

install_bookworm_docker() {
  if dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q 'ok installed'; then
    log "bookworm docker.io is installed (provides containerd, runc and dependencies)"
    return
  fi
  log "installing bookworm docker.io for containerd, runc and dependencies"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
}

# The URI of the host's apt entry for bookworm, in deb822 (*.sources) or one-line format.
debian_mirror() {
  local sources lists f uri=""
  shopt -s nullglob
  sources=(/etc/apt/sources.list.d/*.sources)
  lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  shopt -u nullglob
  if ((${#sources[@]})); then
    uri=$(awk 'BEGIN { RS = "" }
      { uri = ""; ok = 0; n = split($0, line, "\n")
        for (i = 1; i <= n; i++) {
          nf = split(line[i], f, /[ \t]+/)
          if (f[1] == "URIs:") uri = f[2]
          if (f[1] == "Suites:") for (j = 2; j <= nf; j++) if (f[j] == "bookworm") ok = 1
        }
        if (ok && uri != "") { print uri; exit } }' "${sources[@]}")
  fi
  if [[ -z $uri ]]; then
    for f in "${lists[@]}"; do
      [[ -f $f ]] || continue
      uri=$(sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }')
      [[ -n $uri ]] && break
    done
  fi
  [[ -n $uri ]] || die "no bookworm entry found in the host's apt sources to take the mirror from"
  echo "$uri"
}

# Downloads trixie's docker.io with a private apt setup that names only trixie, so the
# host's bookworm sources, lists and cache are left untouched.
fetch_trixie_dockerd() {
  if [[ -x $BIN_DIR/dockerd && -x $BIN_DIR/docker-proxy ]]; then
    log "using cached trixie dockerd $DOCKERD_VERSION from $BIN_DIR"
    return
  fi
  local mirror work deb version
  mirror=$(debian_mirror)
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
    "$mirror" /usr/share/keyrings/debian-archive-keyring.gpg >"$APT_DIR/trixie.sources"
  local apt_opts=(-o "Dir::Etc::sourcelist=$APT_DIR/trixie.sources" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache")

  log "fetching the trixie package index from $mirror"
  apt-get "${apt_opts[@]}" update -qq
  version=$(apt-cache "${apt_opts[@]}" show --no-all-versions docker.io | awk '/^Version:/ { print $2 }')
  version=${version#*:}
  [[ ${version%%[+-]*} == "$DOCKERD_VERSION" ]] ||
    die "trixie offers docker.io $version, not $DOCKERD_VERSION; rerun with DOCKERD_VERSION=${version%%[+-]*} to try it"

  work="$CACHE_ROOT/download"
  rm -rf "$work" && mkdir -p "$work"
  chown _apt "$work" 2>/dev/null || true # lets apt download without its "unsandboxed" warning
  log "downloading trixie docker.io $version"
  (cd "$work" && apt-get "${apt_opts[@]}" download -qq docker.io)
  deb=("$work"/docker.io_*.deb)
  dpkg-deb -x "${deb[0]}" "$work/x"
  mkdir -p "$BIN_DIR.tmp"
  install -m 0755 "$work/x/usr/sbin/dockerd" "$work/x/usr/sbin/docker-proxy" "$BIN_DIR.tmp/"
  rm -rf "$BIN_DIR" "$work" && mv "$BIN_DIR.tmp" "$BIN_DIR"
  log "cached trixie dockerd and docker-proxy in $BIN_DIR"
}

# Stops any dockerd already running (e.g. bookworm's, started by hand or by its package
# scripts): it failed engine_ok, and two daemons cannot share /var/lib/docker.
stop_old_dockerd() {
  local pids i
  pids=$(pgrep -x dockerd) || return 0
  log "stopping the running dockerd (pid $(echo "$pids" | xargs), version $(server_version || echo unknown))"
  # shellcheck disable=SC2086 # one pid per word
  kill $pids 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    pgrep -x dockerd >/dev/null || return 0
    sleep 1
  done
  die "dockerd (pid $(echo "$pids" | xargs)) did not stop within 30 s"
}

# ctr waits 10 s by default when nothing listens; the socket test and timeout keep it quick.
containerd_answers() {
  [[ -S $CONTAINERD_SOCK ]] && ctr --connect-timeout 2s --address "$CONTAINERD_SOCK" version >/dev/null 2>&1
}

start_containerd() {
  if containerd_answers; then
    log "containerd is already running at $CONTAINERD_SOCK"
    return
  fi
  log "starting containerd (/usr/bin/containerd, log $CONTAINERD_LOG)"
  setsid nohup /usr/bin/containerd >>"$CONTAINERD_LOG" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 20; i++)); do
    containerd_answers && return
    sleep 1
  done
  tail -n 20 "$CONTAINERD_LOG" >&2
  die "containerd did not answer at $CONTAINERD_SOCK within 20 s (log above: $CONTAINERD_LOG)"
}

start_dockerd() {
  log "starting trixie dockerd $DOCKERD_VERSION (log $DOCKERD_LOG)"
  echo "=== $(date -Is) started by $0" >>"$DOCKERD_LOG"
  PATH="$BIN_DIR:$PATH" setsid nohup "$BIN_DIR/dockerd" \
    --containerd="$CONTAINERD_SOCK" --userland-proxy-path="$BIN_DIR/docker-proxy" \
    >>"$DOCKERD_LOG" 2>&1 </dev/null &
}

wait_for_dockerd() {
  log "waiting up to $WAIT_SECONDS s for the engine to answer"
  local i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    if docker info >/dev/null 2>&1; then
      log "engine is up: server version $(server_version)"
      return
    fi
    pgrep -x dockerd >/dev/null || break
    sleep 1
  done
  tail -n 30 "$DOCKERD_LOG" >&2
  die "dockerd did not answer within $WAIT_SECONDS s or exited (log above: $DOCKERD_LOG)"
}

# Every kind node runs systemd, which takes inotify instances; the kernel's default
# of 128 per user runs out with a few clusters at once ("Too many open files" from the
# node's systemd). kind's known-issues page recommends these values.
raise_inotify_limits() {
  local key want have
  for key in fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288; do
    want=${key#*=}
    have=$(sysctl -n "${key%%=*}" 2>/dev/null || echo 0)
    if ((have < want)); then
      sysctl -qw "$key" || log "could not raise ${key%%=*} (now $have)"
    fi
  done
}

main() {
  [[ $(id -u) -ne 0 ]] || raise_inotify_limits
  if engine_ok; then
    log "engine already running (server version $(server_version)); nothing to do"
    return
  fi
  check_prerequisites
  install_bookworm_docker
  fetch_trixie_dockerd
  stop_old_dockerd
  start_containerd
  start_dockerd
  wait_for_dockerd
}

main "$@"
