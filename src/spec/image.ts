/**
 * The image rule, in one place: release images are pinned by tag or digest, never `latest`,
 * and match definitions.image of the spec schema. Spec rules (src/spec/rules.ts) and set-image
 * both apply it.
 */
import appSchema from '../../schema/app-spec.schema.json';

/** The spec's own rule for images: definitions.image in schema/app-spec.schema.json. */
const IMAGE_PATTERN = new RegExp(appSchema.definitions.image.pattern);
const IMAGE_MAX_LENGTH = appSchema.definitions.image.maxLength;

/**
 * Why an image reference is refused, naming the rule, or undefined when it is acceptable.
 * Release images are pinned: a moving reference makes dist/ lie about what runs.
 */
export function imageProblem(image: string): string | undefined {
  const [name, digest] = image.split('@');
  const lastSegment = name.slice(name.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (tag === 'latest') {
    return `uses the tag 'latest', which moves with every push (rule no-latest-tag): pin the release tag or digest CI built, e.g. :v1.4.2`;
  }
  if (tag === undefined && digest === undefined) {
    return `has no tag or digest, so Kubernetes would pull 'latest' (rule pinned-image): add :<tag> or @sha256:<64 hex>`;
  }
  if (image.length > IMAGE_MAX_LENGTH || !IMAGE_PATTERN.test(image)) {
    return (
      `is not an image reference the spec accepts (rule image-format, definitions.image in schema/app-spec.schema.json: ` +
      `lower-case registry/path, then :tag of [A-Za-z0-9_.-] up to 128 characters or @sha256:<64 lower-case hex>, at most ${IMAGE_MAX_LENGTH} characters)`
    );
  }
  return undefined;
}

