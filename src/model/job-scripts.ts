/**
 * The scripts our backup, maintenance, migration and restore Jobs run, as text. Every input
 * arrives through environment variables set in the manifest (paths are mount points there),
 * so `npm run test:backups` runs these exact scripts, read back from the synthesized
 * manifests, with only the mount points and the server addresses pointed at loopback.
 *
 * Each backup is one file plus `<file>.sha256` (sha256sum format), written as `.partial`
 * and renamed only after its own check passed, so a half-written or unchecked file is never
 * uploaded or restored. Names carry a UTC stamp (YYYYMMDDTHHMMSSZ), so a listing sorted by
 * name is sorted by time: `latest` is the last name.
 */

/**
 * Python (standard library only) for SQLite: `backup`, `integrity-check`, `vacuum`, `restore`.
 * Environment: DB_FILE; backup: BACKUP_DIR, KEEP_DAYS, BACKUP_TAG (optional, e.g.
 * pre-migrate); restore: RESTORE_DIR (holding `selected`, written by the fetch step).
 */
export const SQLITE_SCRIPT = [
  'import glob, hashlib, os, sqlite3, sys, time',
  'task, db = sys.argv[1], os.environ["DB_FILE"]',
  'stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())',
  'def check(conn, what):',
  '    try:',
  '        result = conn.execute("PRAGMA integrity_check").fetchall()',
  '    except sqlite3.DatabaseError as e:',
  '        sys.exit(f"{what} is not a readable SQLite database: {e}")',
  '    if result != [("ok",)]:',
  '        sys.exit(f"{what} failed PRAGMA integrity_check: {result[:5]}")',
  'def copy(src_path, dst_path, src_mode="ro"):',
  '    src = sqlite3.connect(f"file:{src_path}?mode={src_mode}", uri=True, timeout=60)',
  '    dst = sqlite3.connect(dst_path, timeout=60)',
  '    src.backup(dst)',
  '    src.close()',
  '    return dst',
  'def sha256(path):',
  '    h = hashlib.sha256()',
  '    with open(path, "rb") as f:',
  '        for block in iter(lambda: f.read(1 << 20), b""):',
  '            h.update(block)',
  '    return h.hexdigest()',
  'def write_backup(out_dir, tag):',
  '    name = f"{os.path.basename(db)}.{stamp}{tag}.bak"',
  '    final = os.path.join(out_dir, name)',
  '    partial = final + ".partial"',
  '    dst = copy(db, partial)',
  '    check(dst, "backup copy")',
  '    dst.close()',
  '    with open(final + ".sha256.partial", "w") as f:',
  '        f.write(f"{sha256(partial)}  {name}\\n")',
  '    os.replace(partial, final)',
  '    os.replace(final + ".sha256.partial", final + ".sha256")',
  '    return final',
  'if task != "restore" and not os.path.exists(db):',
  '    sys.exit(f"database {db} does not exist")',
  'if task == "backup":',
  '    out_dir, keep_days = os.environ["BACKUP_DIR"], int(os.environ["KEEP_DAYS"])',
  '    tag = os.environ.get("BACKUP_TAG", "")',
  '    final = write_backup(out_dir, f".{tag}" if tag else "")',
  '    cutoff = time.time() - keep_days * 86400',
  '    for old in glob.glob(os.path.join(out_dir, "*.bak")) + glob.glob(os.path.join(out_dir, "*.bak.sha256")):',
  '        if os.path.getmtime(old) < cutoff:',
  '            os.remove(old)',
  '            print(f"expired: {old}")',
  '    print(f"backup written: {final}")',
  'elif task == "integrity-check":',
  '    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)',
  '    check(conn, db)',
  '    print(f"{db}: integrity ok")',
  'elif task == "vacuum":',
  '    conn = sqlite3.connect(db, timeout=300)',
  '    conn.execute("VACUUM")',
  '    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")',
  '    check(conn, db)',
  '    print(f"{db}: vacuumed")',
  'elif task == "restore":',
  '    restore_dir = os.environ["RESTORE_DIR"]',
  '    with open(os.path.join(restore_dir, "selected")) as f:',
  '        chosen = os.path.join(restore_dir, f.read().strip())',
  '    check(sqlite3.connect(f"file:{chosen}?mode=ro", uri=True), f"backup {chosen}")',
  '    if os.path.exists(db):',
  '        safety = write_backup(restore_dir, ".pre-restore")',
  '        print(f"safety copy of the current database: {safety}")',
  // Through SQLite's backup API, not a file copy: the live file's -wal and -shm stay
  // consistent with what is written, and nothing is deleted by hand.
  '    restored = copy(chosen, db)',
  '    check(restored, db)',
  '    restored.close()',
  '    print(f"restored {db} from {os.path.basename(chosen)}")',
  'else:',
  '    sys.exit(f"unknown task {task}")',
].join('\n');

/** Shell prologue of every sh script: stop at the first failing command, unset variable or pipe stage. */
const STRICT = 'set -eu\nset -o pipefail';

/** pg_dump and psql take libpq URLs only: drop an SQLAlchemy driver suffix (postgresql+asyncpg://). */
const LIBPQ_URL = 'url=$(printf %s "$DATABASE_URL" | sed -E \'s#^([a-z]+)\\+[a-z0-9_]+://#\\1://#\')';

/** Writes `$1` (a finished `.partial` file) and its checksum under their final names. */
const SEAL = [
  'seal() {',
  '  ( cd "$(dirname "$1")" && sha256sum "$(basename "$1")" | sed "s/\\.partial\\$//" > "$2.sha256.partial" )',
  '  mv "$1" "$2"',
  '  mv "$2.sha256.partial" "$2.sha256"',
  '}',
].join('\n');

/** Deletes local backups older than KEEP_DAYS from BACKUP_DIR (not its restore/ folder). */
const PRUNE_LOCAL = 'find "$BACKUP_DIR" -maxdepth 1 -type f -mmin +"$((KEEP_DAYS * 1440))" \\( -name "*.gz" -o -name "*.rdb" -o -name "*.sha256" \\) -print -delete';

/**
 * pg_dump of DATABASE_URL, gzip-compressed and tested. Environment: DATABASE_URL, BACKUP_DIR,
 * BACKUP_PREFIX, KEEP_DAYS, BACKUP_TAG (optional).
 */
export const POSTGRES_BACKUP_SCRIPT = [
  STRICT,
  SEAL,
  LIBPQ_URL,
  'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
  'out="$BACKUP_DIR/$BACKUP_PREFIX-$stamp${BACKUP_TAG:+-$BACKUP_TAG}.sql.gz"',
  'pg_dump --no-owner --no-privileges --dbname="$url" | gzip -9 > "$out.partial"',
  'gzip -t "$out.partial"',
  'seal "$out.partial" "$out"',
  PRUNE_LOCAL,
  'echo "backup written: $out"',
].join('\n');

/**
 * Restores the fetched dump into the same database: a safety dump of what is there first,
 * then the schema is dropped and the dump replayed in ONE transaction, so a failing restore
 * leaves the database as it was. Environment: DATABASE_URL, RESTORE_DIR, BACKUP_PREFIX.
 */
export const POSTGRES_RESTORE_SCRIPT = [
  STRICT,
  SEAL,
  LIBPQ_URL,
  'chosen="$RESTORE_DIR/$(cat "$RESTORE_DIR/selected")"',
  'gzip -t "$chosen" || { echo "restore: $chosen is not a valid gzip file: refusing to restore" >&2; exit 1; }',
  'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
  'safety="$RESTORE_DIR/$BACKUP_PREFIX-$stamp-pre-restore.sql.gz"',
  'pg_dump --no-owner --no-privileges --dbname="$url" | gzip -9 > "$safety.partial"',
  'gzip -t "$safety.partial"',
  'seal "$safety.partial" "$safety"',
  'echo "safety dump of the current database: $safety"',
  '{ echo "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"; gunzip -c "$chosen"; } \\',
  '  | psql -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname="$url" > /dev/null',
  'echo "restored from $(basename "$chosen")"',
].join('\n');

/** A gzip-compressed tar of /source. Environment: BACKUP_DIR, BACKUP_PREFIX, KEEP_DAYS. */
export const VOLUME_BACKUP_SCRIPT = [
  STRICT,
  SEAL,
  'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
  'out="$BACKUP_DIR/$BACKUP_PREFIX-$stamp.tar.gz"',
  'tar -czf "$out.partial" -C "$SOURCE_DIR" .',
  'gzip -t "$out.partial"',
  'seal "$out.partial" "$out"',
  PRUNE_LOCAL,
  'echo "backup written: $out"',
].join('\n');

/**
 * A Redis snapshot taken over the network with `redis-cli --rdb`, checked with
 * redis-check-rdb. Environment: REDIS_HOST, REDIS_PASSWORD, BACKUP_DIR, BACKUP_PREFIX, KEEP_DAYS.
 */
export const REDIS_BACKUP_SCRIPT = [
  STRICT,
  SEAL,
  'stamp=$(date -u +%Y%m%dT%H%M%SZ)',
  'out="$BACKUP_DIR/$BACKUP_PREFIX-$stamp.rdb"',
  'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h "$REDIS_HOST" -p "${REDIS_PORT:-6379}" --rdb "$out.partial" > /dev/null',
  'redis-check-rdb "$out.partial" > /dev/null',
  'seal "$out.partial" "$out"',
  PRUNE_LOCAL,
  'echo "backup written: $out"',
].join('\n');

/**
 * Uploads every finished backup of BACKUP_DIR to STORE_PATH (an rclone remote path), checks
 * that size and hash of each match in the bucket, then deletes copies in the bucket older
 * than KEEP_DAYS. Environment: BACKUP_DIR, STORE_PATH, KEEP_DAYS and the RCLONE_CONFIG_STORE_*
 * variables that define the remote.
 */
export const UPLOAD_SCRIPT = [
  STRICT,
  'rclone copy --exclude "*.partial" --exclude "restore/**" "$BACKUP_DIR" "$STORE_PATH"',
  'rclone check --one-way --exclude "*.partial" --exclude "restore/**" "$BACKUP_DIR" "$STORE_PATH"',
  'rclone delete --min-age "${KEEP_DAYS}d" "$STORE_PATH"',
  'echo "uploaded to $STORE_PATH: $(rclone lsf --files-only "$STORE_PATH" | grep -vc \'\\.sha256$\') backups kept"',
].join('\n');

/**
 * Fetches one backup and its checksum from STORE_PATH into RESTORE_DIR and verifies it; FROM
 * is a file name or `latest`. Writes the chosen name to RESTORE_DIR/selected for the restore
 * step. Environment: STORE_PATH, FROM, RESTORE_DIR and the RCLONE_CONFIG_STORE_* variables.
 */
export const FETCH_SCRIPT = [
  STRICT,
  'mkdir -p "$RESTORE_DIR"',
  'if [ "$FROM" = latest ]; then',
  '  name=$(rclone lsf --files-only --exclude "*.sha256" "$STORE_PATH" | sort | tail -n 1)',
  '  [ -n "$name" ] || { echo "restore: no backup found in $STORE_PATH" >&2; exit 1; }',
  'else',
  '  name="$FROM"',
  'fi',
  'rclone copyto "$STORE_PATH/$name" "$RESTORE_DIR/$name"',
  'rclone copyto "$STORE_PATH/$name.sha256" "$RESTORE_DIR/$name.sha256"',
  '( cd "$RESTORE_DIR" && sha256sum -c "$name.sha256" ) || { echo "restore: $name does not match its checksum: refusing to restore" >&2; exit 1; }',
  'printf %s "$name" > "$RESTORE_DIR/selected"',
  'echo "fetched and verified $name"',
].join('\n');
