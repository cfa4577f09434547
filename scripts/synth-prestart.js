'use strict';
// @ts-check
/**
 * A worker thread started by scripts/synth.js before it loads the bundle, on the word of the
 * previous run with the same arguments: loading the bundle keeps the main thread busy for a
 * third of a second, while the second core idles. An incremental synth reads the state of every
 * file in its output folder (src/synth/folder-digests.ts), and at a thousand systems that takes
 * as long again: started here, it is mostly done when the bundle wants it.
 *
 * The bundle leaves a hint per working folder, arguments and CDK8S_OUTDIR (its path is in
 * GITOPS_SYNTH_PRESTART, set here): the worker's source and data. This module starts it with
 * a message port and a small shared array added to the data, and hands it to the bundle under
 * PRESTARTED. The bundle adopts it when the data is what it would start a worker with, and
 * ends it otherwise; a hint that is missing or unreadable starts nothing.
 */
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { MessageChannel, Worker } = require('node:worker_threads');

/** Where the bundle finds the worker started for it (a global: the bundle is loaded after). */
const PRESTARTED = Symbol.for('gitops-synth.prestarted');
/** The environment variable that tells the bundle the hint's path. */
const HINT_ENV = 'GITOPS_SYNTH_PRESTART';
/** Int32 slots of the shared array handed to the worker (their use is the bundle's). */
const CONTROL_SLOTS = 4;

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
 * Starts the worker a hint names, if there is a readable one; its handle goes under PRESTARTED.
 * @param {string} file the hint
 */
function prestart(file) {
  /** @type {{ source?: unknown, data?: unknown }} */
  let hint;
  try {
    hint = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return; // none yet: the bundle starts its own
  }
  if (typeof hint.source !== 'string' || typeof hint.data !== 'object' || hint.data === null) return;
  const { port1, port2 } = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(hint.source, { eval: true, workerData: { ...hint.data, port: port2, control }, transferList: [port2], stdout: false, stderr: false });
  worker.unref();
  worker.on('error', () => undefined); // the bundle then finds no answer and does the work itself
  /** @type {Record<symbol, unknown>} */ (globalThis)[PRESTARTED] = { data: hint.data, worker, port: port1, control };
}

module.exports = { PRESTARTED, HINT_ENV, CONTROL_SLOTS, hintFile, prestart };
