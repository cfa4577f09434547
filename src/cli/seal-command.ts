/**
 * `npm run seal -- --app SYSTEM --env ENV KEY`: seals one secret value for the sealed-secrets
 * controller of ENV's cluster, with the public certificate platform.yaml names, and writes it to
 * environments.ENV.secrets.encryptedData.KEY in apps/SYSTEM.yaml (every other byte of the
 * spec is kept). The value comes from stdin or from an environment variable (--from-env NAME),
 * never from the command line (shell history, process lists) and is never printed.
 * Exit codes: 0 sealed; 1 a problem to fix (unknown system, environment or key, a system not
 * in sealed mode, no or a bad certificate, an empty value, an invalid spec); 2 usage error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { resolvePlatform, systemContext } from '../model/context';
import { names } from '../model/names';
import { readCertificate, sealValue } from '../sealing/seal';
import { setScalarInText } from '../spec/edit';
import { SpecErrors } from '../spec/errors';
import { displayPath, loadPlatform, loadSystem, specFiles } from '../spec/load';
import { CommandIO, parseCommandArgs, reportSpecErrors, UsageError } from './command';
import { guardInputDir } from './output-guard';
import type { Environment } from './progress';

export const SEAL_USAGE = `Usage: npm run seal -- --app SYSTEM --env ENV KEY [--from-env NAME] [--apps DIR] [--platform FILE]

Seals one secret value for ENV's sealed-secrets controller (its public certificate is named in
platform.yaml) and writes it to environments.ENV.secrets.encryptedData.KEY in apps/SYSTEM.yaml.
The value is read from stdin (one trailing newline is dropped, so echo works), or from the
environment variable NAME with --from-env; it is never printed. Then run npm run synth.

  --app SYSTEM     the system (apps/SYSTEM.yaml); its secrets.mode must be sealed
  --env ENV        the environment (each cluster has its own controller key)
  KEY              one of the system's secrets.keys
  --from-env NAME  read the value from the environment variable NAME instead of stdin
  --apps DIR       system specs (default: apps)
  --platform FILE  platform settings (default: platform.yaml)

Exit codes: 0 sealed; 1 unknown system/environment/key, no certificate, empty value or invalid spec; 2 usage error.
`;

export interface SealOptions {
  readonly app: string;
  readonly env: string;
  readonly key: string;
  readonly fromEnv?: string;
  readonly apps: string;
  readonly platform: string;
}

/** Where the value comes from: the text of stdin, and the environment the entry script was started with (CommandIO.env). */
export interface SealInput {
  readonly stdin: () => Buffer;
  readonly env: Environment;
  readonly now: Date;
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required and needs a value`);
  return value;
}

export function parseSealArgs(argv: readonly string[]): SealOptions {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      app: { type: 'string' },
      env: { type: 'string' },
      'from-env': { type: 'string' },
      apps: { type: 'string', default: 'apps' },
      platform: { type: 'string', default: 'platform.yaml' },
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one KEY (got ${positionals.length}); seal one value per run`);
  if (values['from-env'] === '') throw new UsageError('--from-env needs a variable name');
  return {
    app: required('app', values.app),
    env: required('env', values.env),
    key: positionals[0],
    fromEnv: values['from-env'],
    apps: required('apps', values.apps),
    platform: required('platform', values.platform),
  };
}

export function runSeal(opts: SealOptions, io: CommandIO, input: SealInput): number {
  const fail = (message: string) => {
    io.err(`error: ${message}\nNothing was changed.\n`);
    return 1;
  };
  // seal edits one spec file in --apps, as set-image does: the folder must be one (exit 2 otherwise).
  const appsDir = guardInputDir(opts.apps, '--apps', { mustExist: true });
  const platformFile = resolve(opts.platform);
  const file = [join(appsDir, `${opts.app}.yaml`), join(appsDir, `${opts.app}.yml`)].find((f) => existsSync(f));
  if (file === undefined) {
    const known = specFiles(appsDir).map((f) => basename(f).replace(/\.ya?ml$/, ''));
    return fail(`--app ${opts.app}: there is no ${displayPath(join(appsDir, `${opts.app}.yaml`))}; known systems: ${known.join(', ') || '(none)'}`);
  }

  let platform;
  let system;
  try {
    platform = loadPlatform(platformFile);
    system = loadSystem(file, platform);
  } catch (e) {
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, 'seal (before editing anything)');
    throw e;
  }
  const spec = system.environments.get(opts.env);
  if (spec === undefined) {
    return fail(`--env ${opts.env}: ${opts.app} does not deploy to ${opts.env}; its environments: ${[...system.environments.keys()].join(', ')}`);
  }
  if (spec.secrets?.mode !== 'sealed') {
    return fail(`${system.file}: secrets.mode is ${JSON.stringify(spec.secrets?.mode ?? '(no secrets)')} in ${opts.env}, so nothing reads sealed values; set secrets.mode: sealed to use npm run seal`);
  }
  if (!spec.secrets.keys.includes(opts.key)) {
    return fail(`${system.file}: ${JSON.stringify(opts.key)} is not in secrets.keys; its keys: ${spec.secrets.keys.join(', ')} (add the key there first)`);
  }

  const certSetting = platform.environments[opts.env].sealedSecretsCertificate ?? platform.sealedSecrets?.certificate;
  const certField = platform.environments[opts.env].sealedSecretsCertificate !== undefined ? `environments.${opts.env}.sealedSecretsCertificate` : 'sealedSecrets.certificate';
  if (certSetting === undefined) {
    return fail(`${displayPath(platformFile)}: no sealed-secrets certificate for ${opts.env}; set sealedSecrets.certificate or environments.${opts.env}.sealedSecretsCertificate to the PEM kubeseal --fetch-cert prints`);
  }
  const certFile = resolve(dirname(platformFile), certSetting);
  if (!existsSync(certFile)) return fail(`${displayPath(platformFile)}: ${certField}: ${certSetting} does not exist; save the controller's certificate there (kubeseal --fetch-cert > ${certSetting})`);
  let cert;
  try {
    cert = readCertificate(readFileSync(certFile), input.now);
  } catch (e) {
    return fail(`${displayPath(certFile)} (${certField}) ${(e as Error).message}`);
  }

  let value: Buffer;
  if (opts.fromEnv !== undefined) {
    const v = input.env[opts.fromEnv];
    if (v === undefined) return fail(`--from-env ${opts.fromEnv}: the variable is not set`);
    value = Buffer.from(v);
  } else {
    const raw = input.stdin();
    value = raw.length > 0 && raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw[raw.length - 2] === 0x0d ? -2 : -1) : raw;
  }
  if (value.length === 0) return fail(`the value of ${opts.key} is empty (${opts.fromEnv === undefined ? 'stdin' : `$${opts.fromEnv}`}); an empty secret is never what a system needs`);

  const ctx = systemContext(spec, resolvePlatform(platform, opts.env));
  const sealed = sealValue(cert.publicKey, ctx.namespace, names.secret(ctx), value);
  value.fill(0);
  const path = ['environments', opts.env, 'secrets', 'encryptedData', opts.key];
  const original = readFileSync(file, 'utf8');
  let text: string;
  try {
    text = setScalarInText(original, path, sealed);
  } catch (e) {
    return fail(`${system.file}: ${(e as Error).message}`);
  }
  writeFileSync(file, text);
  try {
    // The edited spec must still load (schema, rules), as set-image checks its edit: else it is put back.
    loadSystem(file, platform);
  } catch (e) {
    writeFileSync(file, original);
    if (e instanceof SpecErrors) return reportSpecErrors(e, io, `seal (${system.file} is left as it was)`);
    throw e;
  }
  io.out(
    `${system.file}: ${path.join('.')}: sealed for Secret ${ctx.namespace}/${names.secret(ctx)} with ${displayPath(certFile)} ` +
      `(${cert.subject}, valid until ${cert.validTo.toISOString().slice(0, 10)})\n` +
      `Next: npm run synth, review git diff, commit both.\n`,
  );
  return 0;
}
