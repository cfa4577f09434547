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

log() { printf '[sealed-secrets-build] %s\n' "$*" >&2; }
# shellcheck source=../support/go-build.sh
source "$repo_root/test/support/go-build.sh"
build_args 12 "$@"
command -v go >/dev/null 2>&1 || { log "error: 'go' is not on PATH"; exit 1; }

version="$(pinned "$here/go.mod" github.com/bitnami/sealed-secrets)"
[[ -n "$version" ]] || { log "error: no github.com/bitnami/sealed-secrets version in $here/go.mod"; exit 1; }
recipe=1
stamp="controller github.com/bitnami/sealed-secrets@$version recipe=$recipe mod=$(mod_hash "$here/go.mod" "$here/go.sum")"

lock_bin_dir
go_build controller "$here" github.com/bitnami/sealed-secrets/cmd/controller "$stamp" local -ldflags "-s -w -X main.VERSION=$version"
