/**
 * What makes a folder synth's own, and who may write it now:
 * - a marker file at its root says synth wrote it, so synth may replace it whole (a folder
 *   without the marker is someone else's: see src/cli/output-guard.ts);
 * - one lock file beside it (`.<name>.lock` in the parent, because the folder itself is
 *   renamed aside on commit) admits one writer at a time. A lock whose process is gone is stale
 *   and is broken by the next writer.
 */
import { hostname } from 'node:os';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file at the root of every folder synth writes; Argo CD reads only `*.yaml`, so it never sees it. */
export const OUTPUT_MARKER = '.gitops-synth-output';

export const OUTPUT_MARKER_TEXT =
  'This folder is written by gitops-synth (npm run synth), which replaces it whole on every run.\n' +
  'Keep nothing else here: files synth does not generate are removed by the next run.\n';

/** Whether a process with this id exists on this machine (EPERM: it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The lock of an output folder; it lives in the folder's parent. */
export function lockPathOf(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.lock`);
}

/** A writer that could not get the lock in time: exit 1 with this message, nothing written. */
export class OutputLockError extends Error {}

/** Who holds a lock, as written in the lock file. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

function readOwner(file: string): LockOwner | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pid, host, token] = text.trim().split(' ');
  if (token === undefined) return undefined;
  return { pid: Number(pid), host, token };
}

/** Sleeps without a busy loop; synth's writer is synchronous, so it cannot await. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface OutputLockProps {
  /**
   * How long to wait for another writer before giving up with an OutputLockError.
   * @default 600000 (ten minutes: longer than any synth of this repository takes)
   */
  readonly timeoutMs?: number;
  /**
   * Called once when another live process holds the lock, with its pid, before waiting.
   * @default - nothing is said
   */
  readonly onWait?: (pid: number) => void;
}

/**
 * The one-writer lock of an output folder. The lock file is created complete (written under a
 * private name, then hard-linked into place, which fails when the lock exists), so a reader
 * never sees a half-written owner. A writer checks with stillHeld() right before it swaps its
 * tree in, so a writer whose lock was broken never replaces the folder.
 */
export class OutputLock {
  private readonly file: string;
  private readonly token: string;
  private held = false;

  constructor(outDir: string) {
    this.file = lockPathOf(outDir);
    this.token = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  acquire(props: OutputLockProps = {}): this {
    const timeoutMs = props.timeoutMs ?? 600_000;
    const deadline = Date.now() + timeoutMs;
    mkdirSync(dirname(this.file), { recursive: true });
    const mine = `${process.pid} ${hostname()} ${this.token}\n`;
    const draft = `${this.file}.${process.pid}.${this.token}.tmp`;
    writeFileSync(draft, mine);
    let told = false;
    try {
      for (;;) {
        try {
          linkSync(draft, this.file);
          this.held = true;
          return this;
        } catch (e) {
          if ((e as { code?: string }).code !== 'EEXIST') throw e;
        }
        const owner = readOwner(this.file);
        if (owner !== undefined && owner.host === hostname() && !isProcessAlive(owner.pid)) {
          this.breakStale(owner);
          continue;
        }
        if (Date.now() >= deadline) {
          throw new OutputLockError(
            `another synth (pid ${owner?.pid ?? 'unknown'}) is writing ${basename(dirname(this.file))}/${basename(this.file).slice(1, -'.lock'.length)} and did not finish within ${Math.round(timeoutMs / 1000)} s; ` +
              `wait for it, or delete ${this.file} if no synth is running`,
          );
        }
        if (!told && owner !== undefined) {
          props.onWait?.(owner.pid);
          told = true;
        }
        sleep(100);
      }
    } finally {
      rmSync(draft, { force: true });
    }
  }

  /** Whether the lock file still names this writer. */
  stillHeld(): boolean {
    return this.held && readOwner(this.file)?.token === this.token;
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (readOwner(this.file)?.token === this.token) rmSync(this.file, { force: true });
  }

  /**
   * Removes a lock whose process is gone. The lock is first renamed to a private name (only one
   * of several waiters gets it); if what was taken is not the dead owner's lock after all (a
   * waiter broke it and took the lock in between), it is linked back.
   */
  private breakStale(dead: LockOwner): void {
    const taken = `${this.file}.stale-${process.pid}-${this.token}`;
    try {
      renameSync(this.file, taken);
    } catch {
      return;
    }
    const owner = readOwner(taken);
    if (owner !== undefined && owner.token !== dead.token) {
      try {
        linkSync(taken, this.file);
      } catch {
        // A third writer took the free lock meanwhile; the displaced one sees it in stillHeld().
      }
    }
    rmSync(taken, { force: true });
  }
}

/** Whether a folder carries synth's marker. */
export function hasOutputMarker(dir: string): boolean {
  return existsSync(join(dir, OUTPUT_MARKER));
}
