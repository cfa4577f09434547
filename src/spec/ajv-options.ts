/**
 * The ajv options the spec validators are compiled with (scripts/gen-types.ts): every error
 * rather than the first, and with the schema and data of each (verbose), which
 * src/spec/schema-check.ts turns into messages.
 */
import type { Options } from 'ajv';

export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true };
