#!/usr/bin/env bash
# Builds the control-plane binaries (etcd + kube-apiserver) used by the
# integration tests from pinned Go modules, into <repo>/.cache/cluster-bin/.
#
#   test/cluster/build.sh            build only what is missing or out of date
#   test/cluster/build.sh --force    rebuild both binaries
#
# Versions are pinned in test/cluster/go.mod (k8s.io/kubernetes) and
# test/cluster/etcd/go.mod (go.etcd.io/etcd/server/v3); both modules have a
# committed go.sum. Everything is fetched through the Go module proxy only.
# A stamp file (<bin dir>/.stamp) records the versions and a hash of the
# module files; a binary is rebuilt when it is missing or its stamp changed.
#
# Environment:
#   CLUSTER_BIN_DIR   output directory (default <repo>/.cache/cluster-bin)
#   GOCACHE, GOMODCACHE, GOPROXY, GOFLAGS are honoured as usual.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bin_dir="${CLUSTER_BIN_DIR:-$repo_root/.cache/cluster-bin}"

# Bump when the way the binaries are built changes (flags, ldflags, ...).
recipe=1

log() { printf '[cluster-build] %s\n' "$*" >&2; }
# shellcheck source=../support/go-build.sh
source "$repo_root/test/support/go-build.sh"
build_args 17 "$@"

if ! command -v go >/dev/null 2>&1; then
  log "error: 'go' is not on PATH (Go >= 1.24 is needed to build kube-apiserver)"
  exit 1
fi

# Pinned versions, read from the go.mod files.
k8s_version="$(pinned "$here/go.mod" k8s.io/kubernetes)"
etcd_version="$(pinned "$here/etcd/go.mod" go.etcd.io/etcd/server/v3)"
if [[ -z "$k8s_version" || -z "$etcd_version" ]]; then
  log "error: could not read pinned versions from $here/go.mod and $here/etcd/go.mod"
  exit 1
fi

apiserver_stamp="kube-apiserver k8s.io/kubernetes@$k8s_version recipe=$recipe mod=$(mod_hash "$here/go.mod" "$here/go.sum")"
etcd_stamp="etcd go.etcd.io/etcd/server/v3@$etcd_version recipe=$recipe mod=$(mod_hash "$here/etcd/go.mod" "$here/etcd/go.sum")"

lock_bin_dir
start=$(date +%s)
log "go: $(go version | cut -d' ' -f3-), output: $bin_dir"
go_build etcd "$here/etcd" go.etcd.io/etcd/server/v3 "$etcd_stamp" local -ldflags "-s -w"
go_build kube-apiserver "$here" k8s.io/kubernetes/cmd/kube-apiserver "$apiserver_stamp" local -ldflags "$(k8s_ldflags "$k8s_version")"
log "done in $(( $(date +%s) - start ))s"
