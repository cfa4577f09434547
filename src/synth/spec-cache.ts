/**
 * Loaded specs kept between runs of incremental synth: reading, validating and merging a
 * spec is about a tenth of a full synth, and at a thousand systems it would cost more than
 * the one system an edit rebuilds. A spec is reused when its path and content, platform.yaml
 * and the code are what they were; a spec that fails to load is never cached (its errors are
 * reported every time). Anything unreadable in the cache means loading every spec.
 *
 * A reused spec comes with its facts (src/spec/facts.ts), which is all that is read of the
 * systems an incremental run does not rebuild; its base is parsed and its environments merged
 * only when something reads them (KeptSystem).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMap } from 'node:util/types';
import { deserialize, serialize } from 'node:v8';
import type { AppSpec } from '../spec/app-spec.generated';
import type { SystemFacts } from '../spec/facts';
import { displayPath, LoadedSystem, loadSystem, mergedEnvironments } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';

/**
 * A loaded spec as kept: its file, its facts, and its base spec as JSON text when JSON gives it
 * back exactly (v8 deserializes a thousand specs' object graphs in ~150 ms; their JSON text, as
 * strings, in a fraction of that, and JSON.parse is quick), else as the object. The merged
 * environments are made again when read (mergedEnvironments, as loadSystem makes them): kept
 * too, they made the cache half as large again.
 */
interface KeptSpec {
  readonly file: string;
  readonly facts: SystemFacts;
  readonly json?: string;
  readonly base?: AppSpec;
}

/**
 * A spec file's key as last computed, and the file's size, mtime, ctime and inode then: while
 * they are the same, so is its content, and the file is not read again.
 */
interface KeptKey {
  readonly key: string;
  readonly stamp: string;
}

interface SpecCacheFile {
  readonly codeHash: string;
  /** platformHashOf of platform.yaml when the keys were computed (each key takes it in). */
  readonly platformHash: string;
  readonly specs: Map<string, KeptSpec>;
  /** By spec file (displayPath), its key and stamp. */
  readonly keys: Map<string, KeptKey>;
}

/**
 * How long ago a file must have last changed for its stamp to stand for its content: a file
 * written again within its file system's timestamp granularity (up to 2 s on some) could keep
 * its stamp. Such a file is read and hashed on every run until it is older.
 */
export const SETTLED_MS = 3000;

/** Whether JSON.parse(JSON.stringify(value)) is value: plain data, finite numbers, no -0. */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as Record<string, unknown>).every((v) => v !== undefined && jsonExact(v));
}

function keep(system: LoadedSystem): KeptSpec {
  const { file, facts } = system;
  return jsonExact(system.base) ? { file, facts, json: JSON.stringify(system.base) } : { file, facts, base: system.base };
}

/** A kept spec as LoadedSystem: its facts at hand, its base parsed and environments merged on first read. */
class KeptSystem implements LoadedSystem {
  private parsed?: AppSpec;
  private merged?: ReadonlyMap<string, AppSpec>;

  constructor(private readonly kept: KeptSpec) {}

  get file(): string {
    return this.kept.file;
  }

  get facts(): SystemFacts {
    return this.kept.facts;
  }

  get base(): AppSpec {
    return (this.parsed ??= this.kept.json !== undefined ? (JSON.parse(this.kept.json) as AppSpec) : this.kept.base!);
  }

  get environments(): ReadonlyMap<string, AppSpec> {
    return (this.merged ??= mergedEnvironments(this.base));
  }
}

/** Hash of platform.yaml as loaded (the spec keys and the incremental cache's keys take it in). */
export function platformHashOf(platform: PlatformSpec): string {
  return createHash('sha256').update(JSON.stringify(platform)).digest('base64');
}

/** Hash of a spec file's path (as displayPath shows it), platform.yaml's hash (platformHashOf) and its content. */
export function specKey(file: string, platformHash: string, content: Buffer): string {
  return createHash('sha256').update(`${file}\0${platformHash}\0`).update(content).digest('base64');
}

export class SpecCache {
  private readonly before: SpecCacheFile | undefined;
  private readonly now = new Map<string, KeptSpec>();
  private readonly keyOfFile = new Map<string, string>();
  private readonly keptKeys = new Map<string, KeptKey>();
  private platformHash: string | undefined;

  /**
   * By spec file (as LoadedSystem.file names it), the hash of its path, content and
   * platform.yaml, for every spec the loader read: what an incremental run keys pairs by.
   */
  get keys(): ReadonlyMap<string, string> {
    return this.keyOfFile;
  }

  /**
   * @param file where the specs are kept (beside the incremental cache)
   * @param codeHash hash of the code that loads and checks specs (see codeFingerprint)
   * @param settledMs how long ago a spec file must have changed for its stamp to be trusted
   * @default settledMs SETTLED_MS
   */
  constructor(
    private readonly file: string,
    private readonly codeHash: string,
    private readonly settledMs = SETTLED_MS,
  ) {
    try {
      const stored = deserialize(readFileSync(file)) as SpecCacheFile;
      // isMap, not instanceof: what v8 deserializes may come from another realm (as under jest).
      if (stored.codeHash === codeHash && isMap(stored.specs) && isMap(stored.keys) && typeof stored.platformHash === 'string') this.before = stored;
    } catch {
      // none yet, or unreadable: every spec is loaded
    }
  }

  /** A loader for loadSpecs: the cached spec when its inputs are unchanged, else loadSystem's. */
  loader(): (file: string, platform: PlatformSpec) => LoadedSystem {
    return (file, platform) => {
      const platformHash = (this.platformHash ??= platformHashOf(platform));
      const shown = displayPath(file);
      const key = this.keyOf(file, shown, platformHash);
      if (key === undefined) return loadSystem(file, platform); // which says what is wrong with the file
      this.keyOfFile.set(shown, key);
      const kept = this.before?.specs.get(key);
      if (kept !== undefined && isMap(kept.facts) && (kept.json !== undefined || kept.base !== undefined)) {
        this.now.set(key, kept);
        return new KeptSystem(kept);
      }
      const loaded = loadSystem(file, platform);
      this.now.set(key, keep(loaded));
      return loaded;
    };
  }

  /**
   * The key of a spec file: the one kept when its stamp is unchanged (and platform.yaml too),
   * else from its content; undefined when it cannot be read.
   */
  private keyOf(file: string, shown: string, platformHash: string): string | undefined {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    // Taken before the file is read: a file written after this shows another stamp next time.
    const stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    const settled = Date.now() - Math.max(st.mtimeMs, st.ctimeMs) >= this.settledMs;
    const kept = this.before?.platformHash === platformHash ? this.before.keys.get(shown) : undefined;
    if (kept !== undefined && kept.stamp === stamp && settled) {
      this.keptKeys.set(shown, kept);
      return kept.key;
    }
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch {
      return undefined;
    }
    const key = specKey(shown, platformHash, content);
    if (settled) this.keptKeys.set(shown, { key, stamp });
    return key;
  }

  /** Keeps the specs loaded in this run (only those: removed specs drop out); nothing to do when they are the ones kept. */
  save(): void {
    const before = this.before;
    const same = <T>(now: ReadonlyMap<string, T>, then: ReadonlyMap<string, T> | undefined, eq: (a: T, b: T) => boolean) =>
      then !== undefined && now.size === then.size && [...now].every(([k, v]) => then.has(k) && eq(v, then.get(k)!));
    if (
      before !== undefined &&
      before.platformHash === this.platformHash &&
      same(this.now, before.specs, (a, b) => a === b) &&
      same(this.keptKeys, before.keys, (a, b) => a.key === b.key && a.stamp === b.stamp)
    ) {
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const stored: SpecCacheFile = { codeHash: this.codeHash, platformHash: this.platformHash ?? '', specs: this.now, keys: this.keptKeys };
    writeFileSync(tmp, serialize(stored));
    renameSync(tmp, this.file);
  }

  /** Forgets every spec (e.g. when the run failed). */
  drop(): void {
    rmSync(this.file, { force: true });
  }
}
