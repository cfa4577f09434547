/**
 * Baseline for `npm run bench`: the same charts synthesized the way a default cdk8s app is
 * (`cdk8s init typescript-app`: `npx ts-node main.ts`, one `App`, every chart in it, then
 * `app.synth()` writing one YAML file per chart). The specs are loaded and checked exactly as
 * `npm run synth` does; unlike it, nothing here validates the objects against their schemas
 * or builds the Argo CD folders, so the baseline does less work than the product.
 *
 * Usage: npx ts-node bench/baseline-app.ts [APPS_DIR]   (output: $CDK8S_OUTDIR, else bench/.work/baseline-out)
 */
import { resolve } from 'node:path';
import { App } from 'cdk8s';
import { PlatformChart } from '../charts/platform-chart';
import { SystemChart } from '../charts/system-chart';
import { resolvePlatform, systemContext } from '../src/model/context';
import { loadSpecs } from '../src/spec/load';
import { environmentsOf } from '../src/synth/build';

const appsDir = resolve(process.argv[2] ?? process.env.BENCH_APPS ?? 'apps');
const outdir = process.env.CDK8S_OUTDIR ?? resolve(__dirname, '.work', 'baseline-out');

const specs = loadSpecs(appsDir, resolve('platform.yaml'));
const app = new App({ outdir });
for (const { env, systems } of environmentsOf(specs)) {
  const platform = resolvePlatform(specs.platform, env);
  new PlatformChart(app, `platform-${env}`, { platform });
  for (const system of systems) {
    const ctx = systemContext(system.environments.get(env)!, platform);
    new SystemChart(app, `${ctx.system}-${env}`, { ctx });
  }
}
app.synth();
