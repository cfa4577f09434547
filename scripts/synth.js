'use strict';
// @ts-check
/**
 * `npm run synth`: runs main.ts from one JavaScript file that esbuild bundles from it and
 * everything it imports (transpiled, not type-checked: tsc does that in npm test), cached in
 * .cache/synth/. Loading one bundle instead of a few hundred modules through a TypeScript
 * loader takes ~0.15 s instead of ~0.6 s, and the synthesis worker threads start from the
 * same bundle (through this script), so each of them saves as much again.
 *
 * The bundle is reused while every file that went into it is unchanged: esbuild's metafile
 * lists those files; the repository's own are compared by content hash, node_modules by size
 * and modification time (npm ci rewrites them), plus the files that shape the build (this
 * script, package.json, tsconfig.json, esbuild's version). Anything else rebuilds it (~0.5 s).
 * The bundle is written before its manifest, each by rename, so a reader never takes a
 * manifest that vouches for a bundle not yet in place.
 *
 * The bundle runs with V8's code cache (main.js.*.v8-cache, keyed by the bundle's hash), saved
 * after the first run from it, so that the functions that run are not compiled again on every
 * run and in every thread: ~0.25 s less per thread. V8 rejects a cache made by another
 * version or with other flags; it is then made again.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join, relative, resolve } = require('node:path');
const { Script } = require('node:vm');
const { isMainThread } = require('node:worker_threads');
const { HINT_ENV, hintFile, prestart } = require('./folder-state');

const ROOT = resolve(__dirname, '..');
const ENTRY = 'main.ts';
const CACHE = join(ROOT, '.cache', 'synth');
const BUNDLE = join(CACHE, 'main.js');
const MANIFEST = join(CACHE, 'main.json');
/**
 * V8 accepts a code cache only under the flags it was made with: one file per set of Node
 * flags. Worker threads run under the process's flags but see no execArgv, so they are told
 * the main thread's file through the environment they inherit.
 */
const CODE_CACHE_ENV = 'GITOPS_SYNTH_CODE_CACHE';
const CODE_CACHE = (!isMainThread && process.env[CODE_CACHE_ENV]) ||
  join(CACHE, `main.js.${createHash('sha256').update(process.execArgv.join(' ')).digest('hex').slice(0, 12)}.v8-cache`);
/** Packages left out of the bundle, loaded from node_modules at run time. */
const EXTERNAL = ['re2-wasm'];
/** Files that are not inputs of the bundle but change what esbuild makes of them. */
const BUILD_FILES = ['scripts/synth.js', 'package.json', 'tsconfig.json', 'node_modules/esbuild/package.json'];

/**
 * What a file looks like now: content hash for the repository's own files, size and mtime
 * for installed packages; null when it is gone.
 * @param {string} file path relative to the repository
 * @returns {string | null}
 */
function fingerprint(file) {
  const abs = join(ROOT, file);
  try {
    if (file.startsWith('node_modules/')) {
      const st = statSync(abs);
      return `${st.size}:${st.mtimeMs}`;
    }
    return createHash('sha256').update(readFileSync(abs)).digest('base64');
  } catch {
    return null;
  }
}

/** @returns {boolean} whether the cached bundle was built from the files as they are now */
function isFresh() {
  /** @type {{ entry: string, node: string, files: Record<string, string> }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return false;
  }
  if (manifest.entry !== ENTRY || manifest.node !== process.versions.node) return false;
  for (const [file, print] of Object.entries(manifest.files)) if (fingerprint(file) !== print) return false;
  return true;
}

/**
 * Bundles main.ts into BUNDLE and writes the manifest of its inputs. Each writer uses its own
 * temporary names, so concurrent runs (parallel tests) never see a half-written file.
 */
function build() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // Packages that read files beside their own code (re2-wasm loads re2.wasm) stay in node_modules.
    external: EXTERNAL,
    outfile: BUNDLE,
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  /** @type {Record<string, string>} */
  const files = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...BUILD_FILES]) {
    const rel = relative(ROOT, resolve(ROOT, file)).split('\\').join('/');
    const print = fingerprint(rel);
    if (print !== null) files[rel] = print;
  }
  mkdirSync(CACHE, { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(BUNDLE + tmp, result.outputFiles[0].contents);
  renameSync(BUNDLE + tmp, BUNDLE);
  writeFileSync(MANIFEST + tmp, `${JSON.stringify({ entry: ENTRY, node: process.versions.node, files }, null, 1)}\n`);
  renameSync(MANIFEST + tmp, MANIFEST);
}

/**
 * Runs the bundle as the CommonJS module it is, compiled with the code cache when there is
 * one for exactly this bundle; the main thread saves one at exit when there was none.
 */
function run() {
  const script = compile();
  if (isMainThread) process.env[CODE_CACHE_ENV] = CODE_CACHE;
  const module = { exports: {}, id: BUNDLE, filename: BUNDLE, loaded: false };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, CACHE);
}

/**
 * The bundle as a Script. Its own function, so that nothing but the Script keeps the bundle's
 * bytes, text and code cache once it is made: run() lasts as long as the synthesis, and
 * holding them there cost each thread ~40 MB of heap (a heap snapshot at N=1000).
 * @returns {Script}
 */
function compile() {
  const bytes = readFileSync(BUNDLE);
  const key = Buffer.from(`${createHash('sha1').update(bytes).digest('hex')}\n`);
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    const file = readFileSync(CODE_CACHE);
    if (file.subarray(0, key.length).equals(key)) cachedData = file.subarray(key.length);
  } catch {
    // no cache yet
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, { filename: BUNDLE, cachedData });
  if (isMainThread && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      const tmp = `${CODE_CACHE}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
        renameSync(tmp, CODE_CACHE);
      } catch {
        // A cache that cannot be written only costs the next run its compile time.
      }
    });
  }
  return script;
}

// The folder states the previous run with these arguments looked at are taken on the second
// core while the bundle loads (scripts/folder-state.js).
if (isMainThread) {
  process.env[HINT_ENV] = hintFile(join(CACHE, 'prestart'), process.cwd(), process.argv.slice(2), process.env.CDK8S_OUTDIR);
  prestart(process.env[HINT_ENV]);
}

// A synthesis worker thread (src/synth/parallel.ts) starts here too: the main thread has
// checked the bundle already.
if (isMainThread && !isFresh()) {
  try {
    build();
  } catch (e) {
    // esbuild has printed what does not compile, with file and line; anything else is said here.
    const compileErrors = Array.isArray(/** @type {{ errors?: unknown }} */ (e).errors);
    const why = compileErrors ? 'see the errors above' : `${/** @type {Error} */ (e).message}`;
    process.stderr.write(`npm run synth: ${ENTRY} could not be bundled into ${relative(process.cwd(), CACHE) || '.'} (${why}); nothing was written.\n`);
    process.exit(1);
  }
}
run();
