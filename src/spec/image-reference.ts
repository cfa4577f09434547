/**
 * The image reference grammar of the distribution project (github.com/distribution/reference),
 * which container runtimes and the kubelet apply, plus our rule that a release is pinned:
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component ( "/" path-component )*      (at most 255 characters)
 *   domain     := host [ ":" port ]; host := domain-component ( "." domain-component )* | "[" IPv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component   := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest     := algorithm ":" hex; sha256 wants 64 lower-case hex digits
 *
 * The first part is a domain only when it holds '.' or ':', or is `localhost` (as in Docker).
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const NAME_MAX = 255;

export interface ImageReference {
  readonly domain?: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses a reference, or says which part breaks the grammar. */
export function parseImageReference(ref: string): ImageReference | string {
  if (ref.length > 512) return `is ${ref.length} characters long; a reference is a name of at most ${NAME_MAX} characters with a tag or digest`;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `has the digest ${JSON.stringify(digest)}, which is not algorithm:hex such as sha256:<64 hex digits>`;
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) return 'has a sha256 digest that is not 64 lower-case hex digits';
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `has the tag ${JSON.stringify(tag)}; a tag is letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')`;
  }
  if (rest.length > NAME_MAX) return `has a name of ${rest.length} characters; at most ${NAME_MAX}`;
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    domain = parts.shift()!;
    if (!HOST.test(domain)) return `has the registry ${JSON.stringify(domain)}, which is not a host name with an optional numeric port`;
  }
  for (const part of parts) {
    if (!PATH_COMPONENT.test(part)) {
      return `has the path component ${JSON.stringify(part)}; path components are lower-case letters and digits, separated by '.', '_', '__' or dashes`;
    }
  }
  return { domain, path: parts.join('/'), tag, digest };
}

/** Why an image reference may not be deployed (grammar, or not pinned), or undefined. */
export function imageReferenceProblem(ref: string): string | undefined {
  const parsed = parseImageReference(ref);
  if (typeof parsed === 'string') return parsed;
  if (parsed.tag === undefined && parsed.digest === undefined) return 'has neither a tag nor a digest, so it means :latest, which moves with every push; pin a version tag or a digest';
  if (parsed.digest === undefined && parsed.tag === 'latest') return "uses the tag 'latest', which moves with every push; pin a version tag or a digest";
  return undefined;
}
