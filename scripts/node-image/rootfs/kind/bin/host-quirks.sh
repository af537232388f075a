#!/bin/bash
# Sourced by the node entrypoint before systemd starts. Each fix acts only on
# hosts that need it; on other hosts it does nothing.

# On cgroup v1 hosts that enable a controller in /proc/cgroups without mounting
# it (seen: hugetlb, net_cls, net_prio, perf_event), Docker mounts none in the
# node and systemd would mount it itself, rooted outside the node's cgroup
# namespace; kubelet then dies on missing paths. Hide those controllers the way
# kind's entrypoint hides "misc" (undo-mount-hacks.service removes the mount).
hide_unmounted_cgroup_controllers() {
  [[ -f /sys/fs/cgroup/cgroup.controllers ]] && return 0
  local mounted hidden=() name enabled
  mounted=",$(findmnt -lun -t cgroup -o OPTIONS | tr '\n' ','),"
  while read -r name _ _ enabled; do
    [[ $name == \#* || $enabled != 1 ]] && continue
    [[ $mounted == *",$name,"* ]] || hidden+=("$name")
  done </proc/cgroups
  ((${#hidden[@]})) || return 0
  log_info "hiding cgroup v1 controllers the host does not mount: ${hidden[*]}"
  local pattern
  pattern="^($(IFS='|'; echo "${hidden[*]}"))[[:space:]]"
  grep -Ev "$pattern" /proc/cgroups >/kind/fake-cgroups.new
  if findmnt /proc/cgroups >/dev/null; then umount /proc/cgroups; fi
  mv /kind/fake-cgroups.new /kind/fake-cgroups
  mount --bind /kind/fake-cgroups /proc/cgroups
}

# Without CAP_SYS_RESOURCE (missing from the bounding set even of privileged
# containers on some hosts) runc cannot lower oom_score_adj and every pod
# sandbox fails; containerd must then not ask for it.
restrict_oom_score_adj_without_sys_resource() {
  local capbnd
  capbnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  (((16#$capbnd >> 24) & 1)) && return 0
  log_info "no CAP_SYS_RESOURCE: setting containerd restrict_oom_score_adj = true"
  sed -i 's/restrict_oom_score_adj = false/restrict_oom_score_adj = true/' /etc/containerd/config.toml
}
