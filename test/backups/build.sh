#!/usr/bin/env bash
# Builds the S3-compatible server the backup tests talk to (versitygw, pinned in
# test/backups/s3/go.mod with its go.sum) into <repo>/.cache/backups-bin/versitygw.
# Rebuilt only when the pinned module files or the recipe change (stamp file).
#
# Environment: BACKUPS_BIN_DIR output directory (default <repo>/.cache/backups-bin).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bin_dir="${BACKUPS_BIN_DIR:-$repo_root/.cache/backups-bin}"
recipe=1
log() { printf '[backups-build] %s\n' "$*" >&2; }

command -v go >/dev/null 2>&1 || { log "error: 'go' is not on PATH (versitygw v1.8.0 needs Go >= 1.25)"; exit 1; }
version="$(awk '$1 == "require" && $2 == "github.com/versity/versitygw" { print $3 } $1 == "github.com/versity/versitygw" && $2 ~ /^v/ { print $2 }' "$here/s3/go.mod" | head -n1)"
[[ -n "$version" ]] || { log "error: no github.com/versity/versitygw version in $here/s3/go.mod"; exit 1; }
stamp="versitygw github.com/versity/versitygw@$version recipe=$recipe mod=$(cat "$here/s3/go.mod" "$here/s3/go.sum" | sha256sum | cut -c1-16)"

mkdir -p "$bin_dir"
exec 9>"$bin_dir/.lock"
flock 9
if [[ -x "$bin_dir/versitygw" && -f "$bin_dir/.stamp" ]] && grep -qxF "$stamp" "$bin_dir/.stamp"; then
  log "versitygw is up to date ($stamp)"
  exit 0
fi
log "building versitygw $version"
t0=$(date +%s)
out="$bin_dir/.versitygw.tmp.$$"
( cd "$here/s3" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w" -o "$out" github.com/versity/versitygw/cmd/versitygw ) \
  || { rm -f "$out"; log "error: building versitygw failed"; exit 1; }
mv -f "$out" "$bin_dir/versitygw"
echo "$stamp" >"$bin_dir/.stamp"
log "built versitygw in $(( $(date +%s) - t0 ))s"
