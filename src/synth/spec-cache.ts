/**
 * Loaded specs kept between runs of incremental synth: reading, validating and merging a
 * spec is about a tenth of a full synth, and at a thousand systems it would cost more than
 * the one system an edit rebuilds. A spec is reused when its path and content, platform.yaml
 * and the code are what they were; a spec that fails to load is never cached (its errors are
 * reported every time). Anything unreadable in the cache means loading every spec.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { AppSpec } from '../spec/app-spec.generated';
import { displayPath, LoadedSystem, loadSystem, mergedEnvironments } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';

/**
 * A loaded spec as kept: its file and base spec, as JSON text when JSON gives it back exactly
 * (v8 deserializes a thousand specs' object graphs in ~150 ms; their JSON text, as strings, in
 * a fraction of that, and JSON.parse is quick), else as the object. The merged environments
 * are made again on reading (mergedEnvironments, as loadSystem makes them): kept too, they
 * made the cache half as large again.
 */
interface KeptSpec {
  readonly file: string;
  readonly json?: string;
  readonly base?: AppSpec;
}

/** Whether JSON.parse(JSON.stringify(value)) is value: plain data, finite numbers, no -0. */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value as Record<string, unknown>).every((v) => v !== undefined && jsonExact(v));
}

function keep(system: LoadedSystem): KeptSpec {
  return jsonExact(system.base) ? { file: system.file, json: JSON.stringify(system.base) } : { file: system.file, base: system.base };
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
  private readonly before: Map<string, KeptSpec>;
  private readonly now = new Map<string, KeptSpec>();
  private readonly keyOfFile = new Map<string, string>();

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
   */
  constructor(
    private readonly file: string,
    private readonly codeHash: string,
  ) {
    let before = new Map<string, KeptSpec>();
    try {
      const stored = deserialize(readFileSync(file)) as { codeHash: string; specs: Map<string, KeptSpec> };
      if (stored.codeHash === codeHash && stored.specs instanceof Map) before = stored.specs;
    } catch {
      // none yet, or unreadable: every spec is loaded
    }
    this.before = before;
  }

  /** A loader for loadSpecs: the cached spec when its inputs are unchanged, else loadSystem's. */
  loader(): (file: string, platform: PlatformSpec) => LoadedSystem {
    let platformHash: string | undefined;
    return (file, platform) => {
      platformHash ??= platformHashOf(platform);
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        return loadSystem(file, platform); // which says what is wrong with the file
      }
      const key = specKey(displayPath(file), platformHash, content);
      this.keyOfFile.set(displayPath(file), key);
      const kept = this.before.get(key);
      if (kept !== undefined && (kept.json !== undefined || kept.base !== undefined)) {
        this.now.set(key, kept);
        const base = kept.json !== undefined ? (JSON.parse(kept.json) as AppSpec) : kept.base!;
        return { file: kept.file, base, environments: mergedEnvironments(base) };
      }
      const loaded = loadSystem(file, platform);
      this.now.set(key, keep(loaded));
      return loaded;
    };
  }

  /** Keeps the specs loaded in this run (only those: removed specs drop out); nothing to do when they are the ones kept. */
  save(): void {
    if (this.now.size === this.before.size && [...this.now.keys()].every((k) => this.before.has(k))) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, serialize({ codeHash: this.codeHash, specs: this.now }));
    renameSync(tmp, this.file);
  }

  /** Forgets every spec (e.g. when the run failed). */
  drop(): void {
    rmSync(this.file, { force: true });
  }
}
