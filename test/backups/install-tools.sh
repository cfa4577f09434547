#!/usr/bin/env bash
# Installs, from Debian, the tools the backup and restore Jobs' scripts call, so that
# `npm run test:backups` runs those scripts as they run in their images:
#   rclone 1.60.1 (image rclone/rclone:1.60.1), busybox (the sh of the Alpine images),
#   postgresql + postgresql-client (pg_dump, psql, and a server to restore into),
#   python3 (the SQLite scripts use its sqlite3 module), coreutils sha256sum,
#   redis-server + redis-tools (redis-cli --rdb, redis-check-rdb; a server to back up).
# Idempotent: installs only what is missing; needs root (CI runs as root).
set -euo pipefail
need=()
for pair in rclone:rclone busybox:busybox psql:postgresql-client pg_dump:postgresql-client python3:python3 sha256sum:coreutils redis-server:redis-server redis-cli:redis-tools redis-check-rdb:redis-tools; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [[ ${#need[@]} -eq 0 ]]; then
  echo "[backups-tools] all present: $(rclone version | head -n1), $(busybox | head -n1 | cut -d' ' -f1-2), $(psql --version)" >&2
  exit 0
fi
echo "[backups-tools] installing: ${need[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
