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
force=0

for arg in "$@"; do
  case "$arg" in
    --force|-f) force=1 ;;
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

# Bump when the way the binaries are built changes (flags, ldflags, ...).
recipe=1

log() { printf '[cluster-build] %s\n' "$*" >&2; }
now() { date +%s; }

if ! command -v go >/dev/null 2>&1; then
  log "error: 'go' is not on PATH (Go >= 1.24 is needed to build kube-apiserver)"
  exit 1
fi

# Pinned versions, read from the go.mod files.
k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 } $1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2 }' "$here/go.mod" | head -n1)"
etcd_version="$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" { print $3 } $1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2 }' "$here/etcd/go.mod" | head -n1)"
if [[ -z "$k8s_version" || -z "$etcd_version" ]]; then
  log "error: could not read pinned versions from $here/go.mod and $here/etcd/go.mod"
  exit 1
fi

mod_hash() { cat "$@" | sha256sum | cut -c1-16; }
apiserver_stamp="kube-apiserver k8s.io/kubernetes@$k8s_version recipe=$recipe mod=$(mod_hash "$here/go.mod" "$here/go.sum")"
etcd_stamp="etcd go.etcd.io/etcd/server/v3@$etcd_version recipe=$recipe mod=$(mod_hash "$here/etcd/go.mod" "$here/etcd/go.sum")"

mkdir -p "$bin_dir"
stamp_file="$bin_dir/.stamp"

# Serialise concurrent runs (e.g. several test workers starting at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$bin_dir/.lock"
  flock 9
fi

up_to_date() { # name stamp-line
  [[ -x "$bin_dir/$1" ]] && [[ -f "$stamp_file" ]] && grep -qxF "$2" "$stamp_file"
}

write_stamp() { # name stamp-line
  local tmp="$stamp_file.tmp.$$"
  { [[ -f "$stamp_file" ]] && grep -v "^$1 " "$stamp_file" || true; echo "$2"; } >"$tmp"
  mv -f "$tmp" "$stamp_file"
}

build() { # name module-dir package stamp-line [go build args...]
  local name="$1" dir="$2" pkg="$3" stamp="$4"; shift 4
  if [[ $force -eq 0 ]] && up_to_date "$name" "$stamp"; then
    log "$name is up to date ($stamp)"
    return 0
  fi
  log "building $name from $pkg (${stamp#* })"
  local t0 out="$bin_dir/.$name.tmp.$$"
  t0=$(now)
  (
    cd "$dir"
    # -mod=readonly: go.mod/go.sum are committed and complete; never edit them.
    CGO_ENABLED=0 go build -mod=readonly -trimpath "$@" -o "$out" "$pkg"
  ) || { rm -f "$out"; log "error: building $name failed"; return 1; }
  mv -f "$out" "$bin_dir/$name"
  write_stamp "$name" "$stamp"
  log "built $name in $(( $(now) - t0 ))s ($(du -h "$bin_dir/$name" | cut -f1))"
}

start=$(now)
log "go: $(go version | cut -d' ' -f3-), output: $bin_dir"

k8s_minor="${k8s_version#v1.}"; k8s_minor="${k8s_minor%%.*}"
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
done

build etcd "$here/etcd" go.etcd.io/etcd/server/v3 "$etcd_stamp" -ldflags "-s -w"
build kube-apiserver "$here" k8s.io/kubernetes/cmd/kube-apiserver "$apiserver_stamp" -ldflags "$k8s_ldflags"

log "done in $(( $(now) - start ))s"
