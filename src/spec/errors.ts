/**
 * Errors that point a user at the exact place to fix: the spec file, the field path inside it
 * (dotted, with [i] for list items) and what is wrong, said the way STYLE.md asks.
 */
export class SpecError extends Error {
  constructor(
    /** The spec file, as the user named it (relative to the working directory). */
    public readonly file: string,
    /** The field path such as `components.backend.replicas`; '' for the whole document. */
    public readonly path: string,
    /** What is wrong and what is allowed. */
    public readonly problem: string,
  ) {
    super(`${file}: ${path === '' ? '(document)' : path}: ${problem}`);
    this.name = 'SpecError';
  }
}

/** Every problem found in one run, so the user fixes them all at once. */
export class SpecErrors extends Error {
  constructor(public readonly errors: readonly SpecError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'SpecErrors';
  }
}

/** A problem found inside one spec, before the file name is known to the caller. */
export interface Problem {
  readonly path: string;
  readonly problem: string;
}

/** Joins a path and a key the way error messages show them. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}
