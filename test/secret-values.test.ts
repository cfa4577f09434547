/**
 * Secrets recognised by value: each kind is found inside longer text, references and
 * look-alikes are not, and the reason never repeats the value. That the scan is linear is
 * measured by `npm run bench:secrets` (times printed, not asserted in a test).
 */
import { secretInArguments, secretValueReason } from '../src/spec/secret-values';

// Built from parts so that no scanner flags this file as holding real secrets.
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLE';
const GCP_KEY = 'AIza' + 'SyA1234567890abcdefghijklmnopqrstuv';
const GITHUB = 'ghp_' + 'a'.repeat(20) + 'B'.repeat(16);
const GITLAB = 'glpat-' + 'x1y2z3'.repeat(4);
const AZURE = 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=' + 'Zm9vYmFy'.repeat(11) + ';EndpointSuffix=core.windows.net';
const PEM = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----';
const PGP = '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----';

describe('secretValueReason', () => {
  test.each([
    ['a JWT in a header value', `Bearer ${JWT}`, 'a JSON Web Token', JWT],
    ['an AWS access key id', `aws_access_key_id=${AWS}`, 'an AWS access key id', AWS],
    ['a Google Cloud API key', `?key=${GCP_KEY}&q=1`, 'a Google Cloud API key', GCP_KEY],
    ['a GitHub token', `token ${GITHUB}`, 'a GitHub token', GITHUB],
    ['a GitLab token', GITLAB, 'a GitLab token', GITLAB],
    ['an Azure storage connection string', AZURE, 'an Azure storage or Service Bus key', 'Zm9vYmFy'],
    ['an Azure SAS URL', `https://shop.blob.core.windows.net/c?sv=2022-11-02&sig=${'abcd'.repeat(10)}%3D`, 'an Azure shared access signature', 'abcdabcd'],
    ['a PEM private key', `key: |\n${PEM}`, 'a private key', 'MHcCAQEEIB'],
    ['a PGP private key block', PGP, 'a PGP private key block', 'lQOYBF'],
    ['a Google service account file', '{"type": "service_account", "private_key_id": "abc"}', 'a Google Cloud service account key', 'abc'],
    ['a URL with a password', 'redis://default:hunter2@cache:6379/0', 'a URL with a password in it', 'hunter2'],
    ['a --password= argument in a string', '-jar app.jar --db-password=hunter2', 'an argument "--db-password=" with a literal value', 'hunter2'],
    ['a -D system property', '-Xmx1g -Dsecret=hunter2', 'an argument "-Dsecret=" with a literal value', 'hunter2'],
  ])('finds %s without repeating the value', (_what, value, reason, secret) => {
    const found = secretValueReason(value);
    expect(found).toBe(reason);
    expect(found).not.toContain(secret);
  });

  test.each([
    ['a URL with a user and no password', 'https://user@example.com/'],
    ['a URL whose password is a reference', 'postgres://app:$(POSTGRES_PASSWORD)@db:5432/app'],
    ['a --password= argument taking a reference', '--password=${DB_PASSWORD}'],
    ['a public key block', '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----'],
    ['a word that merely starts like a JWT', 'eyJust.eyJoking'],
    ['an AKIA prefix that is too short', 'AKIA1234'],
    ['a plain URL', 'https://api.example.com/v1?x=1'],
    ['an email address', 'ops@example.com'],
  ])('accepts %s', (_what, value) => {
    expect(secretValueReason(value)).toBeUndefined();
  });
});

describe('secretInArguments', () => {
  test('finds a --password flag followed by its literal value, at the value', () => {
    expect(secretInArguments(['serve', '--password', 'hunter2'])).toEqual({ index: 2, reason: 'the value of "--password", written literally' });
  });

  test('accepts a --token flag followed by a reference or another flag', () => {
    expect(secretInArguments(['--token', '$(API_TOKEN)', '--secret-file', '/etc/s', '--password', '--verbose'])).toBeUndefined();
  });

  test('finds a token in one item', () => {
    expect(secretInArguments(['--header', `Authorization: Bearer ${JWT}`])).toEqual({ index: 1, reason: 'a JSON Web Token' });
  });
});
