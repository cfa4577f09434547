/**
 * `npm run bench:secrets`: time of the value-based secret scan (src/spec/secret-values.ts) on
 * values up to the largest the schema allows (262144 characters), for inputs built to defeat
 * backtracking patterns: many starts of a secret's shape that never complete. Prints, for each
 * input, the time at 64 KiB and at 256 KiB and their ratio: about 4 means linear, 16 quadratic.
 * Then the whole path a user hits: loading a spec whose config holds one such value.
 * Prints only; nothing here is a pass/fail threshold (the machine is shared).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import appSchema from '../schema/app-spec.schema.json';
import { SpecErrors } from '../src/spec/errors';
import { loadPlatform, loadSystem, MAX_SPEC_BYTES } from '../src/spec/load';
import { secretValueReason } from '../src/spec/secret-values';

const ROOT = resolve(__dirname, '..');
const MAX_VALUE = appSchema.definitions.config.additionalProperties.maxLength;
const UNITS = ['eyJ', 'eyJa.', 'a://', 'a://b:c', '-----BEGIN ', 'AccountKey=', '?sig=', 'ghp_', 'AKIA', '--password=', 'x'.repeat(60) + '.', 'Zm9v+/'];

/** Median of five runs, in milliseconds. */
function time(fn: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    fn();
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return runs.sort((a, b) => a - b)[2];
}

function valueOf(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

const rows: string[] = [];
for (const unit of UNITS) {
  const small = time(() => secretValueReason(valueOf(unit, MAX_VALUE / 4)));
  const big = time(() => secretValueReason(valueOf(unit, MAX_VALUE)));
  // Below a millisecond the ratio is timer and GC noise, not growth.
  const ratio = small < 1 ? '— (under 1 ms)' : (big / small).toFixed(1);
  rows.push(`| ${JSON.stringify(unit).slice(0, 24)} | ${small.toFixed(2)} | ${big.toFixed(2)} | ${ratio} |`);
}
process.stdout.write(`secretValueReason on adversarial values (median of 5 runs, ms)\n\n| repeated unit | ${MAX_VALUE / 4} chars | ${MAX_VALUE} chars | ratio (4 = linear, 16 = quadratic) |\n|---|---:|---:|---:|\n${rows.join('\n')}\n\n`);

// End to end: a spec whose config holds the longest value the spec's size limit lets in.
const dir = mkdtempSync(join(tmpdir(), 'bench-secrets-'));
try {
  const platform = loadPlatform(join(ROOT, 'platform.yaml'));
  const base = readFileSync(join(ROOT, 'test', 'fixtures', 'minimal-spec', 'shop.yaml'), 'utf8');
  const room = MAX_SPEC_BYTES - Buffer.byteLength(base) - 64;
  const file = join(dir, 'shop.yaml');
  for (const unit of ['a://', 'eyJ']) {
    writeFileSync(file, `${base}\nconfigFiles:\n  big.txt: "${valueOf(unit, room)}"\n`.replace(/\nconfig:/, '\nconfig:\n  PADDING: "x"'));
    const ms = time(() => {
      try {
        loadSystem(file, platform);
      } catch (e) {
        if (!(e instanceof SpecErrors)) throw e;
      }
    });
    process.stdout.write(`loadSystem on a ${Buffer.byteLength(readFileSync(file))}-byte spec whose configFiles value repeats ${JSON.stringify(unit)}: ${ms.toFixed(1)} ms\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
