#!/usr/bin/env bash
# Builds a kind node image from source with no container registry: Kubernetes,
# etcd and CoreDNS from the Go module proxy, everything else from Debian's
# packages, kind's own base files from the pinned kind module.
#
#   build.sh              build the image unless its tag already exists
#   build.sh --print-tag  print the tag this recipe produces and exit
#   build.sh --force      build even if the tag exists
#   build.sh --if-needed  build only when the suite will need this image: no
#                         E2E_NODE_IMAGE is set and kind's stock image is neither
#                         present nor pullable
#
# The tag names every input: Kubernetes version, kind version and a hash of this
# folder (the recipe), so a changed recipe builds a new image and an unchanged
# one is never built twice on the same Docker engine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache=${RBAC_E2E_CACHE:-/var/cache/rbac-e2e}
image_repo=${NODE_IMAGE_REPO:-rbac-e2e/node}

log() { echo "node-image: $*"; }
die() { echo "node-image: error: $*" >&2; exit 1; }

kind_version() { (cd "$repo" && go list -m -f '{{.Version}}' sigs.k8s.io/kind); }
kind_dir() { (cd "$repo" && go mod download sigs.k8s.io/kind && go list -m -f '{{.Dir}}' sigs.k8s.io/kind); }

recipe_hash() {
  (cd "$here" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; echo "kind $(kind_version)") |
    sha256sum | cut -c1-12
}

image_tag() { echo "$image_repo:$KUBERNETES_VERSION-kind.$(kind_version)-$(recipe_hash)"; }

# step NAME CMD...: runs one build step and prints how long it took.
step_no=0
step() {
  local name=$1 start
  shift
  step_no=$((step_no + 1))
  start=$(date +%s)
  log "[$step_no] $name ..."
  "$@"
  log "[$step_no] $name: done in $(($(date +%s) - start))s"
}

# The Debian mirror this host's apt already uses, so no host name lives here.
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [[ -n $uri ]] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [[ -n $uri ]] || die "no Debian mirror found in /etc/apt/sources.list*"
  echo "$uri"
}

check_prerequisites() {
  [[ $(id -u) == 0 ]] || die "must run as root (debootstrap and chroot need it)"
  command -v go >/dev/null || die "go is not on PATH"
  command -v gcc >/dev/null || die "gcc is not on PATH (needed for the static pause binary)"
  docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/docker-engine.sh first"
  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap"
    { apt-get install -y -qq debootstrap || { apt-get update -qq && apt-get install -y -qq debootstrap; }; } >/dev/null ||
      die "could not install debootstrap"
  fi
}

go_build() { # go_build MODULE_DIR OUT LDFLAGS PACKAGES...  (OUT ending in / is a folder)
  local dir=$1 out=$2 ldflags=$3
  shift 3
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$out" "$@")
}

build_kubernetes() {
  local v=${KUBERNETES_VERSION#v} pkg=k8s.io/component-base/version
  local ldflags="-X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=${v%%.*}"
  ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$v") -X $pkg.gitTreeState=clean"
  go_build "$here/src/kubernetes" "$bin/" "$ldflags" \
    k8s.io/kubernetes/cmd/{kube-apiserver,kube-controller-manager,kube-scheduler,kube-proxy,kubelet,kubeadm,kubectl}
}

build_etcd() { go_build "$here/src/etcd" "$bin/etcd" "" go.etcd.io/etcd/server/v3; }
build_coredns() { go_build "$here/src/coredns" "$bin/coredns" "" github.com/coredns/coredns; }

build_pause() {
  local k8s_dir
  k8s_dir=$(cd "$here/src/kubernetes" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)
  gcc -Os -static -o "$bin/pause" "$k8s_dir/build/pause/linux/pause.c" -DVERSION="$PAUSE_VERSION"
}

# build_binaries keeps the binaries per version and recipe, so a rebuilt image
# after an unrelated recipe change reuses them.
build_binaries() {
  local src_hash
  src_hash=$(cd "$here/src" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)
  bin="$cache/bin/$KUBERNETES_VERSION-$src_hash"
  if [[ -f $bin/.complete ]]; then
    log "binaries cached in $bin"
    return
  fi
  mkdir -p "$bin"
  step "build kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, kubelet, kubeadm, kubectl $KUBERNETES_VERSION" build_kubernetes
  step "build etcd $ETCD_VERSION" build_etcd
  step "build coredns $COREDNS_VERSION" build_coredns
  step "build pause $PAUSE_VERSION" build_pause
  touch "$bin/.complete"
}

debootstrap_into() { # debootstrap_into DIR PACKAGES(comma separated)
  mkdir -p "$cache/debs"
  debootstrap --variant=minbase --include="$2" --cache-dir="$cache/debs" \
    "$DEBIAN_SUITE" "$1" "$(debian_mirror)" >"$work/debootstrap-$(basename "$1").log" 2>&1 ||
    { tail -n 30 "$work/debootstrap-$(basename "$1").log" >&2; die "debootstrap of $1 failed"; }
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/*
}

node_packages=systemd,dbus,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,e2fsprogs,ca-certificates,curl,jq,procps,socat,containerd,runc,containernetworking-plugins
proxy_packages=iptables,nftables,conntrack,ipset,kmod

# assemble_rootfs lays kind's base image files and the Kubernetes node binaries
# over a Debian root, as kind's base and node image Dockerfiles do.
assemble_rootfs() {
  local r=$work/node base
  base="$(kind_dir)/images/base/files"
  install -m 0755 "$base"/usr/local/bin/* "$r/usr/local/bin/"
  mkdir -p "$r/kind/bin" "$r/etc/containerd" "$r/etc/kubernetes/manifests" "$r/opt/cni"
  cp -r "$base/kind/." "$r/kind/"
  chmod 0755 "$r/kind" "$r/kind/bin" "$r"/kind/bin/*
  cp "$base"/etc/crictl.yaml "$r/etc/"
  cp "$base"/etc/containerd/* "$r/etc/containerd/"
  cp "$base"/etc/default/* "$r/etc/default/"
  cp "$base"/etc/sysctl.d/* "$r/etc/sysctl.d/"
  cp -r "$base"/etc/systemd/system/. "$r/etc/systemd/system/"
  cp -r "$here/rootfs/." "$r/"
  chmod 0755 "$r/usr/local/bin/crictl" "$r"/kind/bin/*.sh

  find "$r/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "$r"/lib/systemd/system/multi-user.target.wants/* "$r"/etc/systemd/system/*.wants/* \
    "$r"/lib/systemd/system/local-fs.target.wants/* "$r"/lib/systemd/system/sockets.target.wants/*udev* \
    "$r"/lib/systemd/system/sockets.target.wants/*initctl* "$r"/lib/systemd/system/basic.target.wants/*
  echo "ReadKMsg=no" >>"$r/etc/systemd/journald.conf"
  ln -sf /usr/lib/systemd/systemd "$r/sbin/init"
  # systemctl enable/mask, done as the links they make (all three are WantedBy=multi-user.target)
  mkdir -p "$r/etc/systemd/system/multi-user.target.wants"
  for unit in kubelet.service containerd.service undo-mount-hacks.service service-cidr-guard.service; do
    ln -sf "/etc/systemd/system/$unit" "$r/etc/systemd/system/multi-user.target.wants/$unit"
  done
  ln -sf /dev/null "$r/etc/systemd/system/systemd-binfmt.service"

  # Debian installs containerd in /usr/bin and the CNI plugins in /usr/lib/cni;
  # kind's unit and containerd config expect /usr/local/bin and /opt/cni/bin.
  ln -sf /usr/bin/containerd "$r/usr/local/bin/containerd"
  ln -sfn /usr/lib/cni "$r/opt/cni/bin"
  chroot "$r" sh -c "ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {\"path\": \"/kind/bin/mount-product-files.sh\"}' | jq 'del(.process.rlimits)' >/etc/containerd/cri-base.json"

  patch_entrypoint "$r/usr/local/bin/entrypoint"
  install -m 0755 "$bin"/{kubelet,kubeadm,kubectl} "$r/usr/bin/"
  echo "$KUBERNETES_VERSION" >"$r/kind/version"
}

# patch_entrypoint runs the host fixes of kind/bin/host-quirks.sh right before
# kind's entrypoint hands over to systemd.
patch_entrypoint() {
  local marker='^# we want the command (expected to be systemd) to be PID1'
  grep -q "$marker" "$1" || die "kind's entrypoint changed: marker '$marker' not found in $1"
  sed -i "/$marker/i source /kind/bin/host-quirks.sh\\nhide_unmounted_cgroup_controllers\\nrestrict_oom_score_adj_without_sys_resource\\n" "$1"
}

# import_image NAME DIR [ENTRYPOINT]: a Docker image of one layer from DIR.
import_image() {
  local changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  [[ -n ${3:-} ]] && changes+=(--change "ENTRYPOINT [\"$3\"]")
  tar -C "$2" -c . | docker import "${changes[@]}" - "$1" >/dev/null
}

one_binary_image() { # one_binary_image NAME BINARY PATH_IN_IMAGE [ENTRYPOINT]
  local d=$work/img-$(basename "$3")
  install -D -m 0755 "$bin/$2" "$d$3"
  import_image "$1" "$d" "${4:-}"
}

component_images() {
  local k=registry.k8s.io
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    one_binary_image "$k/$c:$KUBERNETES_VERSION" "$c" "/usr/local/bin/$c"
  done
  install -m 0755 "$bin/kube-proxy" "$work/proxy/usr/local/bin/kube-proxy"
  import_image "$k/kube-proxy:$KUBERNETES_VERSION" "$work/proxy"
  one_binary_image "$k/etcd:$ETCD_IMAGE_TAG" etcd /usr/local/bin/etcd
  one_binary_image "$k/coredns/coredns:$COREDNS_VERSION" coredns /coredns /coredns
  one_binary_image "$k/pause:$PAUSE_VERSION" pause /pause /pause
  docker tag "$k/pause:$PAUSE_VERSION" "$k/pause:$KIND_SANDBOX_PAUSE_VERSION"
  component_refs=("$k/kube-apiserver:$KUBERNETES_VERSION" "$k/kube-controller-manager:$KUBERNETES_VERSION"
    "$k/kube-scheduler:$KUBERNETES_VERSION" "$k/kube-proxy:$KUBERNETES_VERSION" "$k/etcd:$ETCD_IMAGE_TAG"
    "$k/coredns/coredns:$COREDNS_VERSION" "$k/pause:$PAUSE_VERSION" "$k/pause:$KIND_SANDBOX_PAUSE_VERSION")
  docker save -o "$work/components.tar" "${component_refs[@]}"
  docker rmi "${component_refs[@]}" >/dev/null
}

# commit_node_image imports the component images into containerd inside a
# container of the base image (as kind's node image build does) and commits it.
commit_node_image() {
  local base=$image_repo-base:build-$$ c=rbac-e2e-node-image-build-$$
  tar -C "$work/node" -c . | docker import - "$base" >/dev/null
  docker run -d --name "$c" --privileged --entrypoint sleep "$base" infinity >/dev/null
  build_container=$c build_base=$base # for cleanup, also on failure
  docker cp "$work/components.tar" "$c:/components.tar"
  docker exec "$c" bash -c 'nohup containerd >/var/log/containerd-build.log 2>&1 &
    for _ in $(seq 50); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && break; sleep 0.2; done
    ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned --all-platforms --no-unpack /components.tar >/dev/null
    ctr --namespace=k8s.io images list -q | grep -v "^sha256:" | sort
    pkill containerd; while pgrep -x containerd >/dev/null; do sleep 0.2; done
    rm -rf /components.tar /var/log/containerd-build.log /tmp/* /run/containerd'
  docker commit \
    --change 'ENV container=docker' \
    --change 'STOPSIGNAL SIGRTMIN+3' \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
    --change 'CMD []' \
    --change "LABEL io.rbac-e2e.kubernetes-version=$KUBERNETES_VERSION io.rbac-e2e.kind-version=$(kind_version) io.rbac-e2e.recipe=$(recipe_hash)" \
    "$c" "$tag" >/dev/null
}

cleanup() {
  [[ -n ${build_container:-} ]] && docker rm -f "$build_container" >/dev/null 2>&1
  [[ -n ${build_base:-} ]] && docker rmi "$build_base" >/dev/null 2>&1
  rm -rf "$work"
}

# stock_image_available tells whether kind's own node image can be used as is.
stock_image_available() {
  local stock
  stock=$(grep -o 'kindest/node:[^"]*' "$(kind_dir)/pkg/apis/config/defaults/image.go") || die "kind's default image not found in the kind module"
  if docker image inspect "$stock" >/dev/null 2>&1; then
    log "kind's stock image $stock is present"
  elif timeout 300 docker pull -q "$stock" >/dev/null 2>&1; then
    log "pulled kind's stock image $stock"
  else
    log "kind's stock image $stock cannot be pulled (no registry reachable)"
    return 1
  fi
}

main() {
  local force=false
  case ${1:-} in
    --print-tag) image_tag; return ;;
    --force) force=true ;;
    --if-needed)
      if [[ -n ${E2E_NODE_IMAGE:-} ]]; then
        log "E2E_NODE_IMAGE=$E2E_NODE_IMAGE is set; not building"
        return
      fi
      stock_image_available && return
      ;;
    "") ;;
    *) die "unknown argument '$1' (use --print-tag, --if-needed or --force)" ;;
  esac
  tag=$(image_tag)
  if ! $force && docker image inspect "$tag" >/dev/null 2>&1; then
    log "$tag exists; nothing to build"
    return
  fi
  check_prerequisites
  local start
  start=$(date +%s)
  log "building $tag (Kubernetes $KUBERNETES_VERSION, kind $(kind_version), Debian $DEBIAN_SUITE)"
  work=$(mktemp -d /var/tmp/rbac-e2e-node-image.XXXXXX)
  trap cleanup EXIT
  build_binaries
  step "debootstrap node root ($DEBIAN_SUITE)" debootstrap_into "$work/node" "$node_packages"
  step "debootstrap kube-proxy root ($DEBIAN_SUITE)" debootstrap_into "$work/proxy" "$proxy_packages"
  step "assemble node root from kind $(kind_version) base files" assemble_rootfs
  step "make component images" component_images
  step "import images into containerd and commit $tag" commit_node_image
  log "built $tag in $(($(date +%s) - start))s"
  prune_older_images
}

# prune_older_images removes node images of earlier recipes (about 1 GB each).
prune_older_images() {
  local old
  old=$(docker images --format '{{.Repository}}:{{.Tag}}' "$image_repo" | grep -vxF "$tag" || true)
  [[ -z $old ]] && return
  log "removing node images of earlier recipes: $(echo $old)"
  # shellcheck disable=SC2086
  docker rmi $old >/dev/null 2>&1 || log "some could not be removed (in use by a cluster?)"
}

main "$@"
