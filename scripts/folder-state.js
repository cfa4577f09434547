'use strict';
// @ts-check
/**
 * The state of the folders of an output folder, as incremental synth compares it with what its
 * cache recorded (src/synth/folder-digests.ts, src/synth/incremental.ts): for each folder, a
 * digest of the name, size, mtime and inode of every file in it. Any file added, removed,
 * renamed or edited by hand changes it.
 *
 * At a thousand systems that is a readdir per folder and a stat per file of dist/ (129,000),
 * as long as the rest of an incremental run, so a worker thread takes them while the main thread
 * does the rest. The worker runs this file; it is plain JavaScript, loaded from scripts/ at run
 * time and not bundled, so that scripts/synth.js can start the worker before it loads the
 * bundle (prestart): loading the bundle keeps the main thread busy for a third of a second
 * while the second core idles. Which output folder to look at, it learns from a hint that the
 * previous run with the same working folder, arguments and CDK8S_OUTDIR left (its path is in
 * GITOPS_SYNTH_PRESTART); the bundle adopts the worker when it is the one it would start, and
 * ends it otherwise.
 *
 * The worker lists the folders and posts the list, then takes folders by index from a shared
 * counter, which the main thread also takes from once it is free, and posts the states it took
 * with the version of the cache file before and after (another run may rewrite the output
 * folder meanwhile: the states are then not used).
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { isMainThread, MessageChannel, Worker, workerData } = require('node:worker_threads');

/** What workerData.role says in this worker. */
const ROLE = 'gitops-synth-folder-state';
/** Slots of the shared control array: set when the worker is done, the next folder to take, set when the folders are listed. */
const DONE = 0;
const NEXT = 1;
const LISTED = 2;
const SLOTS = 3;
/** Where the bundle finds the worker the launcher started for it (a global: the bundle is loaded after). */
const PRESTARTED = Symbol.for('gitops-synth.prestarted');
/** The environment variable that tells the bundle the hint's path. */
const HINT_ENV = 'GITOPS_SYNTH_PRESTART';
/** Hints kept per folder (runs into temporary folders, as tests make, would pile up); the least recently written go first. */
const MAX_HINTS = 32;

/**
 * The state of `<outDir>/<folder>`; undefined when it cannot be read.
 * @param {string} outDir
 * @param {string} folder
 * @returns {{ digest: string, files: number } | undefined}
 */
function folderState(outDir, folder) {
  const dir = `${outDir}/${folder}`;
  /** @type {string[]} */
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return undefined;
  }
  // The numbers are hashed as they are: turning 129,000 mtimes into text took a tenth of the time.
  const numbers = new Float64Array(3 * names.length);
  for (let i = 0; i < names.length; i++) {
    // Concatenated, not path.join: this runs for every file of dist/.
    const st = statSync(`${dir}/${names[i]}`, { throwIfNoEntry: false });
    if (st === undefined) return undefined;
    numbers[3 * i] = st.size;
    numbers[3 * i + 1] = st.mtimeMs;
    numbers[3 * i + 2] = st.ino;
  }
  return { digest: createHash('sha256').update(names.join('\n')).update(numbers).digest('base64'), files: names.length };
}

/**
 * The <env>/<folder> folders of an output folder, sorted; empty when it cannot be read.
 * @param {string} outDir
 * @returns {string[]}
 */
function outputFolders(outDir) {
  /** @type {string[]} */
  const folders = [];
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

/**
 * Size, mtime and inode of a file (which version of the cache file was read); undefined when it is gone.
 * @param {string} path
 * @returns {string | undefined}
 */
function fileVersion(path) {
  const st = statSync(path, { throwIfNoEntry: false });
  return st === undefined ? undefined : `${st.size}:${st.mtimeMs}:${st.ino}`;
}

/**
 * Starts the worker on the folders of `data.outDir`.
 * @param {{ cacheFile: string, outDir: string }} data
 */
function start(data) {
  const { port1, port2 } = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(__filename, { workerData: { role: ROLE, ...data, port: port2, control }, transferList: [port2], stdout: false, stderr: false });
  worker.unref();
  worker.on('error', () => undefined); // the main thread then finds no answer and takes the states itself
  return { data, worker, port: port1, control };
}

/**
 * The worker's program (see the file comment).
 * @param {{ cacheFile: string, outDir: string, port: import('node:worker_threads').MessagePort, control: Int32Array }} input
 */
function run({ cacheFile, outDir, port, control }) {
  /** @param {number} slot */
  const signal = (slot) => {
    Atomics.store(control, slot, 1);
    Atomics.notify(control, slot);
  };
  let answer = null;
  try {
    const cacheVersion = fileVersion(cacheFile);
    const folders = outputFolders(outDir);
    port.postMessage({ folders });
    signal(LISTED);
    /** @type {Array<[string, { digest: string, files: number } | undefined]>} */
    const states = [];
    for (let i = Atomics.add(control, NEXT, 1); i < folders.length; i = Atomics.add(control, NEXT, 1)) states.push([folders[i], folderState(outDir, folders[i])]);
    if (cacheVersion !== undefined && fileVersion(cacheFile) === cacheVersion) answer = { cacheVersion, states };
  } catch {
    answer = null;
  }
  port.postMessage({ answer });
  port.close();
  signal(LISTED);
  signal(DONE);
}

/**
 * The hint file of one way of running synth.
 * @param {string} dir folder of the hints
 * @param {string} cwd working folder
 * @param {readonly string[]} argv synth's arguments
 * @param {string | undefined} outdirEnv CDK8S_OUTDIR
 * @returns {string}
 */
function hintFile(dir, cwd, argv, outdirEnv) {
  const key = createHash('sha256').update(JSON.stringify([cwd, argv, outdirEnv ?? null])).digest('hex').slice(0, 16);
  return join(dir, `${key}.json`);
}

/**
 * Writes the hint for the next run with the same arguments, unless it says this already.
 * @param {string} file
 * @param {{ cacheFile: string, outDir: string }} data
 */
function leaveHint(file, data) {
  const text = `${JSON.stringify({ cacheFile: data.cacheFile, outDir: data.outDir })}\n`;
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
    const dir = dirname(file);
    const hints = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => ({ path: join(dir, n), t: statSync(join(dir, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.t - a.t);
    for (const { path } of hints.slice(MAX_HINTS)) rmSync(path, { force: true });
  } catch {
    // A hint that cannot be written only means the next run starts its worker later.
  }
}

/**
 * Starts the worker a hint names, if there is a readable one; its handle goes under PRESTARTED.
 * @param {string} file the hint
 */
function prestart(file) {
  /** @type {{ cacheFile?: unknown, outDir?: unknown }} */
  let hint;
  try {
    hint = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return; // none yet: the bundle starts its own
  }
  if (typeof hint?.cacheFile !== 'string' || typeof hint.outDir !== 'string') return;
  /** @type {Record<symbol, unknown>} */ (globalThis)[PRESTARTED] = start({ cacheFile: hint.cacheFile, outDir: hint.outDir });
}

if (!isMainThread && /** @type {{ role?: unknown } | null} */ (workerData)?.role === ROLE) run(workerData);

module.exports = { DONE, NEXT, LISTED, PRESTARTED, HINT_ENV, folderState, outputFolders, fileVersion, start, hintFile, leaveHint, prestart };
