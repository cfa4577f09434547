/**
 * Sealing a value for the sealed-secrets controller without kubeseal, in the controller's
 * hybrid scheme (bitnami-labs/sealed-secrets pkg/crypto HybridEncrypt): a fresh 32-byte
 * AES-256-GCM session key encrypts the value with an all-zero nonce (safe: the key is used
 * once), and RSA-OAEP with SHA-256 encrypts the session key under the controller's public key,
 * with the scope as the OAEP label. The result is a 2-byte big-endian length of the RSA
 * ciphertext, the RSA ciphertext, then the GCM ciphertext with its 16-byte tag; encryptedData
 * holds it base64-encoded.
 */
import { constants, createCipheriv, KeyObject, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';

/** Size of the AES-256 session key. */
const SESSION_KEY_BYTES = 32;
/** GCM's standard nonce size; the controller uses a zero nonce of this size. */
const GCM_NONCE_BYTES = 12;

/**
 * The OAEP label of the default (strict) scope: the value opens only in a Secret of this name
 * in this namespace, so a sealed value cannot be copied into another system's SealedSecret.
 */
export function strictScopeLabel(namespace: string, name: string): Buffer {
  return Buffer.from(`${namespace}/${name}`);
}

/** The controller's certificate, checked to be usable for sealing. */
export interface SealingCertificate {
  readonly publicKey: KeyObject;
  readonly subject: string;
  readonly validTo: Date;
}

/** Reads a PEM certificate; throws a message that says what is wrong with it. */
export function readCertificate(pem: string | Buffer, now: Date): SealingCertificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (e) {
    throw new Error(`is not a PEM certificate (${(e as Error).message}); fetch it with kubeseal --fetch-cert`);
  }
  const type = cert.publicKey.asymmetricKeyType;
  if (type !== 'rsa') throw new Error(`holds a ${type} key but sealed-secrets seals with RSA keys; fetch the controller's certificate with kubeseal --fetch-cert`);
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() < now.getTime()) throw new Error(`expired on ${validTo.toISOString()}; fetch the controller's current certificate with kubeseal --fetch-cert`);
  return { publicKey: cert.publicKey, subject: cert.subject.replace(/\n/g, ', '), validTo };
}

/** Seals `value` for the Secret `name` in `namespace`; returns the base64 text encryptedData holds. */
export function sealValue(publicKey: KeyObject, namespace: string, name: string, value: Buffer): string {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsaCiphertext = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: strictScopeLabel(namespace, name) },
    sessionKey,
  );
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaCiphertext.length);
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const sealed = Buffer.concat([length, rsaCiphertext, cipher.update(value), cipher.final(), cipher.getAuthTag()]);
  sessionKey.fill(0);
  return sealed.toString('base64');
}
