/**
 * The state of the pair folders of an output folder, as incremental synth compares it with
 * what its cache recorded (src/synth/incremental.ts): for each folder, a digest of the name,
 * size, mtime and inode of every file in it. Any file added, removed, renamed or edited by
 * hand changes it.
 *
 * At a thousand systems that is a readdir per folder and a stat per file of dist/ (129,000),
 * as long as the rest of an incremental run. FolderDigests takes them on a thread of its own,
 * started before the specs are read (or, by scripts/synth-prestart.js, before the bundle is
 * loaded), so that the two overlap; the main thread joins in once it is free, and takes the
 * digests itself when the thread failed or the cache changed in between.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { CONTROL_SLOTS, Prestarted, PRESTARTED } from '../../scripts/synth-prestart';

export interface FolderState {
  readonly digest: string;
  /** Files in the folder. */
  readonly files: number;
}

/** What digestFolder and outputFolders need of node:fs (passed in: their source also runs in the worker). */
interface FolderFs {
  readdirSync(path: string): string[];
  readdirSync(path: string, options: { withFileTypes: true }): Array<{ name: string; isDirectory(): boolean }>;
  statSync(path: string, options: { throwIfNoEntry: false }): { size: number; mtimeMs: number; ino: number } | undefined;
}

/**
 * The state of `<outDir>/<folder>`; undefined when it cannot be read. Self-contained: the
 * worker runs this function's own source, so it may use only its parameters.
 */
function digestFolder(outDir: string, folder: string, fs: FolderFs, crypto: { createHash: typeof createHash }): FolderState | undefined {
  const dir = `${outDir}/${folder}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  // The numbers are hashed as they are: turning 129,000 mtimes into text took a tenth of the time.
  const numbers = new Float64Array(3 * names.length);
  for (let i = 0; i < names.length; i++) {
    // Concatenated, not path.join: this runs for every file of dist/.
    const st = fs.statSync(`${dir}/${names[i]}`, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    numbers[3 * i] = st.size;
    numbers[3 * i + 1] = st.mtimeMs;
    numbers[3 * i + 2] = st.ino;
  }
  return { digest: crypto.createHash('sha256').update(names.join('\n')).update(numbers).digest('base64'), files: names.length };
}

/** The state of one folder, taken on this thread. */
export function folderDigest(outDir: string, folder: string): FolderState | undefined {
  return digestFolder(outDir, folder, { readdirSync, statSync } as FolderFs, { createHash });
}

/**
 * Size, mtime and inode of a file (which version of the cache file the worker read); undefined
 * when it is gone. Self-contained, like digestFolder: the worker runs its source too.
 */
function versionOf(path: string, fs: Pick<FolderFs, 'statSync'>): string | undefined {
  const st = fs.statSync(path, { throwIfNoEntry: false });
  return st === undefined ? undefined : `${st.size}:${st.mtimeMs}:${st.ino}`;
}

/** The version of a file, taken on this thread (see versionOf). */
export function fileVersion(path: string): string | undefined {
  return versionOf(path, { statSync });
}

/**
 * The <env>/<system> folders of an output folder, sorted; empty when it cannot be read.
 * Self-contained, like digestFolder.
 */
function outputFolders(outDir: string, fs: FolderFs): string[] {
  const folders: string[] = [];
  try {
    for (const env of fs.readdirSync(outDir, { withFileTypes: true })) {
      if (!env.isDirectory()) continue;
      for (const f of fs.readdirSync(`${outDir}/${env.name}`, { withFileTypes: true })) if (f.isDirectory()) folders.push(`${env.name}/${f.name}`);
    }
  } catch {
    return [];
  }
  return folders.sort();
}

/** Slots of the shared control array: set when the worker is done, the next folder to take, set when the folders are listed. */
const DONE = 0;
const NEXT = 1;
const LISTED = 2;

/** What the worker posts first: the folders it lists, which both threads take from by index. */
interface Listed {
  readonly folders: readonly string[];
}

/** What the worker posts last: the cache file's version it read, and the state of each folder it took (null: it failed). */
interface Answer {
  readonly answer: { readonly cacheVersion: string; readonly states: Array<[string, FolderState | undefined]> } | null;
}

/** What the worker is started with, besides its port and control array: what a hint keeps. */
interface DigestData {
  readonly cacheFile: string;
  readonly outDir: string;
}

/**
 * The worker's program: lists the folders, then takes them by index (control[NEXT] is the next
 * one; the main thread takes from it too once it is free) and answers the states it took. The
 * cache file's version before and after tells whether another run rewrote the output folder in
 * between (the answer is then null).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const digestFolder = ${digestFolder.toString()};
const outputFolders = ${outputFolders.toString()};
const versionOf = ${versionOf.toString()};
const { cacheFile, outDir, port, control } = workerData;
const signal = (slot) => {
  Atomics.store(control, slot, 1);
  Atomics.notify(control, slot);
};
let answer = null;
try {
  const cacheVersion = versionOf(cacheFile, fs);
  const folders = outputFolders(outDir, fs);
  port.postMessage({ folders });
  signal(${LISTED});
  const states = [];
  for (let i = Atomics.add(control, ${NEXT}, 1); i < folders.length; i = Atomics.add(control, ${NEXT}, 1)) states.push([folders[i], digestFolder(outDir, folders[i], fs, crypto)]);
  if (cacheVersion !== undefined && versionOf(cacheFile, fs) === cacheVersion) answer = { cacheVersion, states };
} catch {
  answer = null;
}
port.postMessage({ answer });
port.close();
signal(${LISTED});
signal(${DONE});
`;

/** How long take() waits for the worker before taking the digests on the main thread. */
const WAIT_MS = 60_000;

/** The worker the launcher started for this run, if any; taken once. */
function takePrestarted(): Prestarted | undefined {
  const global = globalThis as { [PRESTARTED]?: Prestarted };
  const pre = global[PRESTARTED];
  delete global[PRESTARTED];
  return pre;
}

/** Writes the hint for the next run with the same arguments, unless it says this already. */
function leaveHint(file: string, data: DigestData): void {
  const text = `${JSON.stringify({ source: WORKER_SOURCE, data })}\n`;
  try {
    if (readFileSync(file, 'utf8') === text) return;
  } catch {
    // none yet
  }
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch {
    // A hint that cannot be written only means the next run starts its worker later.
  }
}

/**
 * Folder digests being taken on a worker thread, which the main thread joins in take() (see
 * the file comment).
 */
export class FolderDigests {
  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly control: Int32Array,
    private readonly outDir: string,
  ) {}

  /**
   * Starts digesting every <env>/<system> folder of outDir, or adopts the worker the launcher
   * started for just that; `cacheFile` is the cache that describes it.
   * @param hint where to leave the hint for the next run with the same arguments
   *   (scripts/synth-prestart.js)
   * @default hint - none: the next run starts its worker when it gets here
   */
  static start(cacheFile: string, outDir: string, hint?: string): FolderDigests {
    const data: DigestData = { cacheFile, outDir };
    const pre = takePrestarted();
    let digests: FolderDigests;
    if (pre !== undefined && isDeepStrictEqual(pre.data, data) && pre.control.length >= CONTROL_SLOTS) {
      digests = new FolderDigests(pre.worker, pre.port, pre.control, outDir);
    } else {
      FolderDigests.end(pre);
      const { port1, port2 } = new MessageChannel();
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...data, port: port2, control }, transferList: [port2], stdout: false, stderr: false });
      worker.unref();
      worker.on('error', () => undefined); // take() then finds no answer
      digests = new FolderDigests(worker, port1, control, outDir);
    }
    if (hint !== undefined) leaveHint(hint, data);
    return digests;
  }

  /** Ends the worker the launcher started, when this run takes no digests. */
  static discard(): void {
    FolderDigests.end(takePrestarted());
  }

  private static end(pre: Prestarted | undefined): void {
    if (pre === undefined) return;
    pre.port.close();
    void pre.worker.terminate().catch(() => undefined);
  }

  /**
   * The states by folder: the main thread takes the folders the worker has not, then waits for
   * the worker's. Undefined when the worker failed or read another version of the cache file
   * than `cacheVersion` (the caller then takes them itself).
   */
  take(cacheVersion: string | undefined): ReadonlyMap<string, FolderState | undefined> | undefined {
    try {
      Atomics.wait(this.control, LISTED, 0, WAIT_MS);
      const listed = receiveMessageOnPort(this.port)?.message as Partial<Listed> | undefined;
      if (!Array.isArray(listed?.folders)) return undefined;
      const folders = listed.folders;
      const states = new Map<string, FolderState | undefined>();
      for (let i = Atomics.add(this.control, NEXT, 1); i < folders.length; i = Atomics.add(this.control, NEXT, 1)) states.set(folders[i], folderDigest(this.outDir, folders[i]));
      Atomics.wait(this.control, DONE, 0, WAIT_MS);
      const answer = (receiveMessageOnPort(this.port)?.message as Answer | undefined)?.answer;
      if (answer === null || answer === undefined || answer.cacheVersion !== cacheVersion) return undefined;
      for (const [folder, state] of answer.states) states.set(folder, state);
      return states;
    } finally {
      this.close();
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate().catch(() => undefined);
  }
}
