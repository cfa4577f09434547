#!/usr/bin/env bash
# Builds the S3-compatible server the backup tests talk to (versitygw, pinned in
# test/backups/s3/go.mod with its go.sum) into <repo>/.cache/backups-bin/versitygw.
# Rebuilt only when the pinned module files or the recipe change (stamp file); --force rebuilds.
#
# Environment: BACKUPS_BIN_DIR output directory (default <repo>/.cache/backups-bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bin_dir="${BACKUPS_BIN_DIR:-$repo_root/.cache/backups-bin}"
recipe=1
log() { printf '[backups-build] %s\n' "$*" >&2; }
# shellcheck source=../support/go-build.sh
source "$repo_root/test/support/go-build.sh"
build_args 6 "$@"

command -v go >/dev/null 2>&1 || { log "error: 'go' is not on PATH (versitygw v1.8.0 needs Go >= 1.25)"; exit 1; }
version="$(pinned "$here/s3/go.mod" github.com/versity/versitygw)"
[[ -n "$version" ]] || { log "error: no github.com/versity/versitygw version in $here/s3/go.mod"; exit 1; }
stamp="versitygw github.com/versity/versitygw@$version recipe=$recipe mod=$(mod_hash "$here/s3/go.mod" "$here/s3/go.sum")"

lock_bin_dir
go_build versitygw "$here/s3" github.com/versity/versitygw/cmd/versitygw "$stamp" local -ldflags "-s -w"
