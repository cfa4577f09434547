#!/usr/bin/env bash
# Builds the real sealed-secrets controller the cluster test runs, from the Go
# module pinned in test/sealed-secrets/go.mod (github.com/bitnami/sealed-secrets,
# served by the proxy as github.com/bitnami-labs/sealed-secrets), into
# <repo>/.cache/sealed-secrets-bin/controller. A stamp records the version and a
# hash of go.mod/go.sum; the binary is rebuilt only when that changes.
#
#   test/sealed-secrets/build.sh           build when missing or out of date
#   test/sealed-secrets/build.sh --force   rebuild
#
# Environment: SEALED_SECRETS_BIN_DIR (default <repo>/.cache/sealed-secrets-bin);
# GOCACHE, GOMODCACHE, GOPROXY are honoured as usual.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bin_dir="${SEALED_SECRETS_BIN_DIR:-$repo_root/.cache/sealed-secrets-bin}"
force=0
for arg in "$@"; do
  case "$arg" in
    --force|-f) force=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[sealed-secrets-build] %s\n' "$*" >&2; }
command -v go >/dev/null 2>&1 || { log "error: 'go' is not on PATH"; exit 1; }

version="$(awk '$1 == "require" && $2 == "github.com/bitnami/sealed-secrets" { print $3 }' "$here/go.mod")"
[[ -n "$version" ]] || { log "error: no github.com/bitnami/sealed-secrets version in $here/go.mod"; exit 1; }
recipe=1
stamp="controller github.com/bitnami/sealed-secrets@$version recipe=$recipe mod=$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)"

mkdir -p "$bin_dir"
exec 9>"$bin_dir/.lock"
flock 9
if [[ $force -eq 0 && -x "$bin_dir/controller" && -f "$bin_dir/.stamp" ]] && grep -qxF "$stamp" "$bin_dir/.stamp"; then
  log "controller is up to date ($stamp)"
  exit 0
fi
log "building the sealed-secrets controller $version"
t0=$(date +%s)
out="$bin_dir/.controller.tmp.$$"
(
  cd "$here"
  # -mod=readonly: go.mod/go.sum are committed and complete; never edit them.
  CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w -X main.VERSION=$version" -o "$out" github.com/bitnami/sealed-secrets/cmd/controller
) || { rm -f "$out"; log "error: building the controller failed"; exit 1; }
mv -f "$out" "$bin_dir/controller"
echo "$stamp" >"$bin_dir/.stamp"
log "built controller in $(( $(date +%s) - t0 ))s"
