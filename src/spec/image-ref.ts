/**
 * Image references: `name:tag`, `name@sha256:<64 hex>` or both. The schema checks the form;
 * these helpers split a reference so rules and the set-image and promote commands can talk
 * about its parts.
 */

/** A digest as registries print it: sha256 and 64 lower-case hex digits. */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

export interface ImageRef {
  /** Registry and repository, such as registry.example.com/shop-api. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits `name[:tag][@digest]`; a colon before the last slash belongs to a registry port. */
export function parseImage(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at === -1 ? undefined : ref.slice(at + 1);
  const rest = at === -1 ? ref : ref.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
  const name = tag === undefined ? rest : rest.slice(0, colon);
  return { name, tag, digest };
}

export function formatImage(ref: ImageRef): string {
  return `${ref.name}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}
