#!/usr/bin/env bash
# Builds the binaries of the GitOps loop test (npm run test:gitops) from pinned
# Go modules, into <repo>/.cache/gitops-bin/:
#
#   argocd                   Argo CD (test/gitops/argocd/go.mod); one binary,
#                            ARGOCD_BINARY_NAME selects the component
#   git-verify-wrapper.sh    copied from the argo-cd module (hack/); the
#                            repo-server runs it from PATH
#   argocd-crds/*.yaml       Argo CD's CRDs, copied from the module (manifests/crds)
#   kwok                     fake nodes and pod lifecycles (test/gitops/kwok/go.mod)
#   kwok-stages/*.yaml       kwok's own node and pod lifecycle stages ("fast" ones,
#                            node heartbeat with lease), copied from the module
#   kube-controller-manager  from the Kubernetes wrapper module of the cluster
#   kube-scheduler           tests (test/cluster/go.mod)
#
#   test/gitops/build.sh            build only what is missing or out of date
#   test/gitops/build.sh --force    rebuild everything
#
# etcd and kube-apiserver come from test/cluster/build.sh. Each module has a
# committed go.sum and is fetched through the Go module proxy only. A stamp
# file (<bin dir>/.stamp) records the versions and a hash of the module files;
# a binary is rebuilt only when it is missing or its stamp line changed.
# Argo CD v3.6.1 needs Go 1.27: GOTOOLCHAIN=go1.27.4 lets the go command fetch
# that toolchain from the module proxy when the installed one is older.
#
# Environment:
#   GITOPS_BIN_DIR    output directory (default <repo>/.cache/gitops-bin)
#   GOCACHE, GOMODCACHE, GOPROXY, GOFLAGS are honoured as usual.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
cluster="$repo_root/test/cluster"
bin_dir="${GITOPS_BIN_DIR:-$repo_root/.cache/gitops-bin}"

# Bump when the way the binaries are built changes (flags, ldflags, ...).
recipe=1
# The toolchain Argo CD's go.mod asks for ("go 1.27.0"), pinned to a patch release.
argocd_toolchain=go1.27.4

log() { printf '[gitops-build] %s\n' "$*" >&2; }
# shellcheck source=../support/go-build.sh
source "$repo_root/test/support/go-build.sh"
build_args 27 "$@"

if ! command -v go >/dev/null 2>&1; then
  log "error: 'go' is not on PATH (Go >= 1.26 is needed; Argo CD's Go 1.27 is fetched via GOTOOLCHAIN)"
  exit 1
fi

argocd_version="$(pinned "$here/argocd/go.mod" github.com/argoproj/argo-cd/v3)"
kwok_version="$(pinned "$here/kwok/go.mod" sigs.k8s.io/kwok)"
k8s_version="$(pinned "$cluster/go.mod" k8s.io/kubernetes)"
if [[ -z "$argocd_version" || -z "$kwok_version" || -z "$k8s_version" ]]; then
  log "error: could not read pinned versions from test/gitops/{argocd,kwok}/go.mod and test/cluster/go.mod"
  exit 1
fi

argocd_stamp="argocd github.com/argoproj/argo-cd/v3@$argocd_version $argocd_toolchain recipe=$recipe mod=$(mod_hash "$here/argocd/go.mod" "$here/argocd/go.sum")"
kwok_stamp="kwok sigs.k8s.io/kwok@$kwok_version recipe=$recipe mod=$(mod_hash "$here/kwok/go.mod" "$here/kwok/go.sum")"
kcm_stamp="kube-controller-manager k8s.io/kubernetes@$k8s_version recipe=$recipe mod=$(mod_hash "$cluster/go.mod" "$cluster/go.sum")"
sched_stamp="kube-scheduler k8s.io/kubernetes@$k8s_version recipe=$recipe mod=$(mod_hash "$cluster/go.mod" "$cluster/go.sum")"
stages_stamp="kwok-stages sigs.k8s.io/kwok@$kwok_version recipe=$recipe"
files_stamp="argocd-files github.com/argoproj/argo-cd/v3@$argocd_version recipe=$recipe"

lock_bin_dir

# Files the test takes from the argo-cd module source itself; copied out of the
# module cache so nothing of Argo CD's is committed here.
copy_argocd_files() {
  if up_to_date argocd-crds "$files_stamp" && [[ -x "$bin_dir/git-verify-wrapper.sh" ]]; then
    log "argocd-crds and git-verify-wrapper.sh are up to date"
    return 0
  fi
  local src
  src="$(cd "$here/argocd" && GOTOOLCHAIN="$argocd_toolchain" go list -mod=readonly -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)"
  if [[ -z "$src" || ! -d "$src/manifests/crds" ]]; then
    (cd "$here/argocd" && GOTOOLCHAIN="$argocd_toolchain" go mod download github.com/argoproj/argo-cd/v3)
    src="$(cd "$here/argocd" && GOTOOLCHAIN="$argocd_toolchain" go list -mod=readonly -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)"
  fi
  rm -rf "$bin_dir/argocd-crds"
  mkdir -p "$bin_dir/argocd-crds"
  cp "$src"/manifests/crds/*-crd.yaml "$bin_dir/argocd-crds/"
  chmod -R u+w "$bin_dir/argocd-crds"
  install -m 0755 "$src/hack/git-verify-wrapper.sh" "$bin_dir/git-verify-wrapper.sh"
  write_stamp argocd-crds "$files_stamp"
  log "copied Argo CD CRDs and git-verify-wrapper.sh from $src"
}

# kwok has no built-in stages; kwokctl passes these to it. Copied like the Argo CD files.
copy_kwok_stages() {
  if up_to_date kwok-stages "$stages_stamp"; then
    log "kwok-stages are up to date"
    return 0
  fi
  local src
  src="$(cd "$here/kwok" && go list -mod=readonly -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  if [[ -z "$src" || ! -d "$src/kustomize/stage" ]]; then
    (cd "$here/kwok" && go mod download sigs.k8s.io/kwok)
    src="$(cd "$here/kwok" && go list -mod=readonly -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  fi
  rm -rf "$bin_dir/kwok-stages"
  mkdir -p "$bin_dir/kwok-stages"
  cp "$src"/kustomize/stage/node/fast/node-initialize.yaml \
     "$src"/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
     "$src"/kustomize/stage/pod/fast/pod-ready.yaml \
     "$src"/kustomize/stage/pod/fast/pod-complete.yaml \
     "$src"/kustomize/stage/pod/fast/pod-delete.yaml "$bin_dir/kwok-stages/"
  chmod -R u+w "$bin_dir/kwok-stages"
  write_stamp kwok-stages "$stages_stamp"
  log "copied kwok stages from $src"
}

start=$(date +%s)
log "go: $(go version | cut -d' ' -f3-), output: $bin_dir"

k8s_flags="$(k8s_ldflags "$k8s_version")"
argocd_ldflags="-s -w -X github.com/argoproj/argo-cd/v3/common.version=${argocd_version#v}"

copy_argocd_files
go_build argocd "$here/argocd" github.com/argoproj/argo-cd/v3/cmd "$argocd_stamp" "$argocd_toolchain" -ldflags "$argocd_ldflags"
copy_kwok_stages
go_build kwok "$here/kwok" sigs.k8s.io/kwok/cmd/kwok "$kwok_stamp" local -ldflags "-s -w"
go_build kube-controller-manager "$cluster" k8s.io/kubernetes/cmd/kube-controller-manager "$kcm_stamp" local -ldflags "$k8s_flags"
go_build kube-scheduler "$cluster" k8s.io/kubernetes/cmd/kube-scheduler "$sched_stamp" local -ldflags "$k8s_flags"

log "done in $(( $(date +%s) - start ))s"
