/**
 * `npm run new-app -- NAME`: scaffolds apps/NAME.yaml from templates/app.yaml (a commented
 * web backend + frontend with probes and resources, and one entry per environment of
 * platform.yaml), then validates it like synth does. Exit codes: 0 created; 1 the file exists
 * (or the scaffold does not validate, and is removed); 2 usage error, including a NAME that
 * is not a valid system name.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import appSchema from '../../schema/app-spec.schema.json';
import { SpecErrors } from '../spec/errors';
import { displayPath, loadPlatform, loadSpecs, RESERVED_NAMES } from '../spec/load';
import { CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { guardInputDir } from './output-guard';
import { nonEmpty } from './diff-command';

export const NEW_APP_USAGE = `Usage: npm run new-app -- NAME [--apps DIR] [--platform FILE] [--template FILE]

Creates apps/NAME.yaml: a web backend and a frontend with probes, resources and an ingress,
deployed to every environment of platform.yaml. Edit it, then npm run synth.

  NAME             the system name: lower-case letters, digits and '-', starting with a letter,
                   at most 30 characters; not platform, bootstrap or apps
  --apps DIR       where specs live (default: apps)
  --platform FILE  platform settings, for the environments (default: platform.yaml)
  --template FILE  the template (default: templates/app.yaml)

Exit codes: 0 created; 1 the spec exists already; 2 usage error (including an invalid NAME).
`;

export interface NewAppOptions {
  readonly name: string;
  readonly apps: string;
  readonly platform: string;
  readonly template: string;
}

/** Why a system name is refused, or undefined; the same rule as definitions.systemName. */
export function systemNameProblem(name: string): string | undefined {
  const rule = appSchema.definitions.systemName;
  if (RESERVED_NAMES.has(name)) return `${JSON.stringify(name)} is reserved for dist/<env>/${name}/; choose another name`;
  if (name.length > rule.maxLength || !new RegExp(rule.pattern).test(name)) {
    return `${JSON.stringify(name)} is not a system name: use ${rule.description}`;
  }
  return undefined;
}

export function parseNewAppArgs(argv: readonly string[]): NewAppOptions {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      apps: { type: 'string', default: 'apps' },
      platform: { type: 'string', default: 'platform.yaml' },
      template: { type: 'string', default: 'templates/app.yaml' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the NAME of the new system' : `give one NAME, not ${positionals.length}`);
  const name = positionals[0];
  const problem = systemNameProblem(name);
  if (problem !== undefined) throw new UsageError(problem);
  return { name, apps: nonEmpty('apps', values.apps)!, platform: nonEmpty('platform', values.platform)!, template: nonEmpty('template', values.template)! };
}

/**
 * The environments block: every environment but the last runs one replica of each component
 * on its own host name; the last (production, in platform order) uses the spec as written.
 */
export function environmentsBlock(name: string, envs: readonly string[]): string {
  return envs
    .map((env, i) =>
      i === envs.length - 1
        ? `  ${env}: {} # the spec above, as written`
        : [`  ${env}:`, '    components:', '      backend: { replicas: 1 }', '      frontend: { replicas: 1 }', '    ingress:', `      host: ${name}.${env}.example.com`].join('\n'),
    )
    .join('\n');
}

/** The template with its placeholders filled; unknown placeholders are an error in the template. */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`the template has an unknown placeholder ${whole}; known: ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')}`);
    return value;
  });
}

export function runNewApp(opts: NewAppOptions, io: CommandIO): number {
  // new-app adds one file and never replaces one ('wx'); --apps must be a folder or absent.
  const appsDir = guardInputDir(opts.apps, '--apps', { mustExist: false });
  const file = join(appsDir, `${opts.name}.yaml`);
  const shown = displayPath(file);
  for (const other of [file, join(appsDir, `${opts.name}.yml`)]) {
    if (existsSync(other)) {
      io.err(`error: ${displayPath(other)} exists already; edit it, or choose another name\n`);
      return 1;
    }
  }
  let platform;
  try {
    platform = loadPlatform(resolve(opts.platform));
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'new-app');
    throw e;
  }
  const text = renderTemplate(readFileSync(resolve(opts.template), 'utf8'), {
    name: opts.name,
    environments: environmentsBlock(opts.name, Object.keys(platform.environments)),
  });
  mkdirSync(appsDir, { recursive: true });
  writeFileSync(file, text, { flag: 'wx' });
  try {
    loadSpecs(appsDir, resolve(opts.platform));
  } catch (e) {
    if (!(e instanceof SpecErrors)) throw e;
    const own = e.errors.filter((x) => x.file === shown);
    if (own.length > 0) {
      rmSync(file);
      return reportSpecErrors(new SpecErrors(own), io, `new-app (${shown} did not validate and was removed; the template needs fixing)`);
    }
    io.err(`warning: other specs in ${opts.apps}/ do not validate; synth will fail until they are fixed:\n${e.message}\n`);
  }
  io.out(
    `Created ${shown} (${Object.keys(platform.environments).join(', ')}).\n` +
      `Next: set the images, ports, probes and host in it, then npm run synth (npm run diff shows what changes).\n`,
  );
  return 0;
}
