/**
 * JSON Schema validation of specs with ajv, turning ajv's errors into messages that say
 * which field is wrong, what it holds and what is allowed. The validators are compiled ahead
 * of time from schema/ (scripts/gen-types.ts, with the options in ajv-options.ts).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import validateAppSpec from './app-spec.validate.generated';
import { Problem, joinPath } from './errors';
import validatePlatform from './platform.validate.generated';

/** Checks a system spec (after environment overrides are merged) against the schema. */
export function checkAppSchema(doc: unknown): Problem[] {
  return run(validateAppSpec, doc);
}

/** Checks platform.yaml against its schema. */
export function checkPlatformSchema(doc: unknown): Problem[] {
  return run(validatePlatform, doc);
}

function run(validate: ValidateFunction, doc: unknown): Problem[] {
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  // A failed oneOf also reports why each branch failed; its own summary says it better.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const problems = new Map<string, Problem>();
  for (const error of errors) {
    if (oneOfs.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const p = describe(error, pathOf(error.instancePath, doc));
    if (p === undefined) continue;
    problems.set(`${p.path}\u0000${p.problem}`, p);
  }
  return [...problems.values()];
}

/** Turns ajv's JSON pointer into a dotted path, with [i] where the data is a list. */
function pathOf(instancePath: string, doc: unknown): string {
  let path = '';
  let node: unknown = doc;
  for (const raw of instancePath.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      path = joinPath(path, Number(key));
      node = node[Number(key)];
    } else {
      path = joinPath(path, key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

function expected(schemaType: unknown): string {
  const types = Array.isArray(schemaType) ? schemaType : [schemaType];
  const words: Record<string, string> = {
    object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number',
    boolean: 'true or false', null: 'null',
  };
  return types.map((t) => words[String(t)] ?? String(t)).join(' or ');
}

function describe(e: ErrorObject, path: string): Problem | undefined {
  const schema = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  if (e.propertyName !== undefined) {
    return {
      path: joinPath(path, e.propertyName),
      problem: `the name ${JSON.stringify(e.propertyName)} is not allowed here; it must be ${
        e.keyword === 'enum' ? `one of: ${(e.schema as unknown[]).join(', ')}` : (schema.description ?? 'a valid name')
      }`,
    };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(schema.properties ?? {}).filter((k) => k !== '$schema');
      return {
        path: joinPath(path, field),
        problem: `unknown field ${JSON.stringify(field)}; allowed fields here: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const field = (e.params as { missingProperty: string }).missingProperty;
      return { path: joinPath(path, field), problem: `is required but missing` };
    }
    case 'type':
      return { path, problem: `is ${kindOf(e.data)} ${show(e.data)} but must be ${expected(e.schema)}` };
    case 'enum':
      return {
        path,
        problem: `is ${show(e.data)} but must be one of: ${(e.schema as unknown[]).map((v) => String(v)).join(', ')}`,
      };
    case 'pattern':
      return { path, problem: `is ${show(e.data)} but must be ${schema.description ?? `a string matching ${String(e.schema)}`}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const bound = e.keyword.includes('inimum') ? 'at least' : 'at most';
      return { path, problem: `is ${show(e.data)} but must be ${bound} ${String(e.schema)}` };
    }
    case 'maxLength':
      return { path, problem: `is ${(e.data as string).length} characters long but must be at most ${String(e.schema)}${schema.description ? ` (${schema.description})` : ''}` };
    case 'minLength':
      return { path, problem: `must not be empty` };
    case 'propertyNames':
      return undefined; // the nested error on the name itself says more
    case 'minProperties':
      return { path, problem: `must have at least ${String(e.schema)} entr${e.schema === 1 ? 'y' : 'ies'}` };
    case 'minItems':
      return { path, problem: `must have at least ${String(e.schema)} item${e.schema === 1 ? '' : 's'}` };
    case 'maxItems':
    case 'maxProperties':
      return { path, problem: `has too many entries; at most ${String(e.schema)} are allowed` };
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      return { path, problem: `has the same value at positions ${j} and ${i}; each entry must be unique` };
    }
    case 'oneOf':
      return { path, problem: `is ${show(e.data)} but must be ${schema.description ?? 'one of the documented forms'}` };
    default:
      return { path, problem: `${e.message ?? 'is not valid'}` };
  }
}
