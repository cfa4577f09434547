import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

test('the TypeScript spec types are what scripts/gen-types.ts generates from the JSON Schemas', () => {
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/gen-types.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});
