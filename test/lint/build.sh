#!/usr/bin/env bash
# Builds kube-score (pinned in test/lint/go.mod) into <repo>/.cache/lint-bin/ when missing or
# when go.mod changed. Everything comes from the Go module proxy.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_dir="$(cd "$here/../.." && pwd)/.cache/lint-bin"
stamp="$(sha256sum "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)"
if [ -x "$bin_dir/kube-score" ] && [ "$(cat "$bin_dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
mkdir -p "$bin_dir"
start=$SECONDS
(cd "$here" && CGO_ENABLED=0 go build -mod=readonly -trimpath -ldflags "-s -w" -o "$bin_dir/kube-score.tmp" github.com/zegl/kube-score/cmd/kube-score)
mv "$bin_dir/kube-score.tmp" "$bin_dir/kube-score"
echo "$stamp" > "$bin_dir/.stamp"
echo "built kube-score $(sed -n 's/^require github.com\/zegl\/kube-score //p' "$here/go.mod") in $((SECONDS - start)) s"
