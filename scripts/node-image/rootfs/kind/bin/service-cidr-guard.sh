#!/bin/sh
# A Pod that dials the API server's Service address (10.96.0.1) before
# kube-proxy has written its rules would follow the node's default route off
# the host. Refuse such packets at the node instead: kube-proxy translates
# Service addresses before these filter rules see them, so nothing it routes
# is affected.
set -eu
cidr=10.96.0.0/12
for chain in FORWARD OUTPUT; do
  iptables -C "$chain" -d "$cidr" -o eth0 -j REJECT 2>/dev/null ||
    iptables -I "$chain" -d "$cidr" -o eth0 -j REJECT
done
