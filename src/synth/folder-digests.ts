/**
 * The state of the pair folders of an output folder, as incremental synth compares it with
 * what its cache recorded (src/synth/incremental.ts): for each folder, a digest of the name,
 * size, mtime and inode of every file in it. Any file added, removed, renamed or edited by
 * hand changes it.
 *
 * At a thousand systems that is a readdir per folder and a stat per file of dist/ (129,000),
 * a quarter of an incremental run. FolderDigests takes them on a thread of its own, started
 * before the specs are read, so that the two overlap; the main thread takes the result, or
 * takes the digests itself when the thread failed or the cache changed in between.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface FolderState {
  readonly digest: string;
  /** Files in the folder. */
  readonly files: number;
}

/** What digestFolder needs of node:fs (passed in: its source also runs in the worker). */
interface FolderFs {
  readdirSync(path: string): string[];
  statSync(path: string, options: { throwIfNoEntry: false }): { size: number; mtimeMs: number; ino: number } | undefined;
}

/**
 * The state of `<outDir>/<folder>`; undefined when it cannot be read. Self-contained: the
 * worker runs this function's own source, so it may use only its parameters.
 */
function digestFolder(outDir: string, folder: string, fs: FolderFs, sha256: (text: string) => string): FolderState | undefined {
  const dir = `${outDir}/${folder}`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  let text = '';
  for (const name of names) {
    // Concatenated, not path.join: this runs for every file of dist/.
    const st = fs.statSync(`${dir}/${name}`, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    text += `${name}:${st.size}:${st.mtimeMs}:${st.ino}\n`;
  }
  return { digest: sha256(text), files: names.length };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64');

/** The state of one folder, taken on this thread. */
export function folderDigest(outDir: string, folder: string): FolderState | undefined {
  return digestFolder(outDir, folder, { readdirSync: (p) => readdirSync(p), statSync }, sha256);
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

/** What the worker answers: the cache file's version it read, and the state of each folder it took. */
interface Answer {
  readonly cacheVersion: string;
  readonly states: Array<[string, FolderState | undefined]>;
}

/**
 * The worker's program: takes folders from the shared list by index (control[1] is the next
 * one; the main thread takes from it too once it is free) and answers the states it took. The
 * cache file's version before and after tells whether another run rewrote the output folder in
 * between (the answer is then null).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const digestFolder = ${digestFolder.toString()};
const sha256 = (text) => createHash('sha256').update(text).digest('base64');
const { cacheFile, outDir, folders, port, control } = workerData;
const versionOf = ${versionOf.toString()};
const version = () => versionOf(cacheFile, fs);
let answer = null;
try {
  const cacheVersion = version();
  const states = [];
  for (let i = Atomics.add(control, 1, 1); i < folders.length; i = Atomics.add(control, 1, 1)) states.push([folders[i], digestFolder(outDir, folders[i], fs, sha256)]);
  if (cacheVersion !== undefined && version() === cacheVersion) answer = { cacheVersion, states };
} catch {
  answer = null;
}
port.postMessage(answer);
port.close();
Atomics.store(control, 0, 1);
Atomics.notify(control, 0);
`;

/** The <env>/<system> folders of an output folder, sorted; empty when it cannot be read. */
function outputFolders(outDir: string): string[] {
  const folders: string[] = [];
  try {
    for (const env of readdirSync(outDir, { withFileTypes: true })) {
      if (!env.isDirectory()) continue;
      for (const f of readdirSync(`${outDir}/${env.name}`, { withFileTypes: true })) if (f.isDirectory()) folders.push(`${env.name}/${f.name}`);
    }
  } catch {
    return [];
  }
  return folders.sort();
}

/** How long take() waits for the worker before taking the digests on the main thread. */
const WAIT_MS = 60_000;

/**
 * Folder digests being taken on a worker thread, which the main thread joins in take() (see
 * the file comment). control[0] is set when the worker is done, control[1] is the next folder.
 */
export class FolderDigests {
  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly control: Int32Array,
    private readonly outDir: string,
    private readonly folders: readonly string[],
  ) {}

  /** Starts digesting every <env>/<system> folder of outDir; `cacheFile` is the cache that describes it. */
  static start(cacheFile: string, outDir: string): FolderDigests {
    const folders = outputFolders(outDir);
    const { port1, port2 } = new MessageChannel();
    const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { cacheFile, outDir, folders, port: port2, control }, transferList: [port2], stdout: false, stderr: false });
    worker.unref();
    worker.on('error', () => undefined); // take() then finds no answer
    return new FolderDigests(worker, port1, control, outDir, folders);
  }

  /**
   * The states by folder: the main thread takes the folders the worker has not, then waits for
   * the worker's. Undefined when the worker failed or read another version of the cache file
   * than `cacheVersion` (the caller then takes them itself).
   */
  take(cacheVersion: string | undefined): ReadonlyMap<string, FolderState | undefined> | undefined {
    try {
      const states = new Map<string, FolderState | undefined>();
      for (let i = Atomics.add(this.control, 1, 1); i < this.folders.length; i = Atomics.add(this.control, 1, 1)) states.set(this.folders[i], folderDigest(this.outDir, this.folders[i]));
      Atomics.wait(this.control, 0, 0, WAIT_MS);
      const answer = receiveMessageOnPort(this.port)?.message as Answer | null | undefined;
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
