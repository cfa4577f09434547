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
import { displayPath, LoadedSystem, loadSystem } from '../spec/load';
import type { PlatformSpec } from '../spec/platform.generated';

export class SpecCache {
  private readonly before: Map<string, LoadedSystem>;
  private readonly now = new Map<string, LoadedSystem>();

  /**
   * @param file where the specs are kept (beside the incremental cache)
   * @param codeHash hash of the code that loads and checks specs (see codeFingerprint)
   */
  constructor(
    private readonly file: string,
    private readonly codeHash: string,
  ) {
    let before = new Map<string, LoadedSystem>();
    try {
      const stored = deserialize(readFileSync(file)) as { codeHash: string; specs: Map<string, LoadedSystem> };
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
      platformHash ??= createHash('sha256').update(JSON.stringify(platform)).digest('base64');
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        return loadSystem(file, platform); // which says what is wrong with the file
      }
      const key = createHash('sha256').update(`${displayPath(file)}\0${platformHash}\0`).update(content).digest('base64');
      const loaded = this.before.get(key) ?? loadSystem(file, platform);
      this.now.set(key, loaded);
      return loaded;
    };
  }

  /** Keeps the specs loaded in this run (only those: removed specs drop out). */
  save(): void {
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
