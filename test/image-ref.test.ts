/** Image references split into name, tag and digest, as the digest rule and promote read them. */
import { formatImage, parseImage } from '../src/spec/image-reference';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

test.each([
  ['postgres:16.4-alpine', { name: 'postgres', tag: '16.4-alpine', digest: undefined }],
  [`registry.example.com/shop/api@${DIGEST}`, { name: 'registry.example.com/shop/api', tag: undefined, digest: DIGEST }],
  [`registry.example.com:5000/shop-api:v1.2.3@${DIGEST}`, { name: 'registry.example.com:5000/shop-api', tag: 'v1.2.3', digest: DIGEST }],
  ['registry.example.com:5000/shop-api', { name: 'registry.example.com:5000/shop-api', tag: undefined, digest: undefined }],
])('splits %s into name, tag and digest, and joins them back', (ref, parts) => {
  expect(parseImage(ref)).toEqual(parts);
  expect(formatImage(parseImage(ref))).toBe(ref);
});
