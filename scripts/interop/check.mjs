// Verifies our EAR token and release receipt and decrypts our released-key JWEs with the npm `jose` package,
// an independent JOSE implementation. Usage: node check.mjs <fixtures dir>
// Exit status 0 when every check passes, 1 otherwise; the last line says which.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as jose from 'jose';

const dir = process.argv[2];
const read = (name) => readFileSync(join(dir, name), 'utf8').trim();
const expected = JSON.parse(read('expected.json'));
const failures = [];
let passed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`  ok    ${name}`);
  } catch (e) {
    failures.push(name);
    console.log(`  FAIL  ${name}: ${e && e.message ? e.message : e}`);
  }
}
function equal(actual, wanted, what) {
  if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
    throw new Error(`${what}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(actual)}`);
  }
}
async function refused(fn, what) {
  try {
    await fn();
  } catch (e) {
    return;
  }
  throw new Error(`${what} was accepted`);
}

const jwks = jose.createLocalJWKSet(JSON.parse(read('jwks.json')));
const token = read('token.jwt');
const verifyOptions = { issuer: expected.issuer, audience: expected.audience, algorithms: ['ES256'], typ: 'JWT' };

await check('token verifies against our JWKS (ES256, typ, iss, aud, exp)', async () => {
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, verifyOptions);
  equal(protectedHeader.kid, expected.kid, 'kid');
  equal(payload.jti, expected.jti, 'jti');
  equal(payload.eat_profile, 'tag:github.com,2023:veraison/ear', 'eat_profile');
  equal(Object.keys(payload.submods), expected.submods, 'submods');
  equal(payload.submods.cpu['ear.status'], 'affirming', 'submods.cpu.ear.status');
  equal(await jose.calculateJwkThumbprint(payload.cnf.jwk, 'sha256'), expected.tee_thumbprint, 'cnf.jwk thumbprint');
});

await check('a tampered token is refused', async () => {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  claims.aud = ['someone-else'];
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await refused(() => jose.jwtVerify(forged, jwks, { ...verifyOptions, audience: 'someone-else' }), 'forged token');
});

await check('the token is refused for another audience and another issuer', async () => {
  await refused(() => jose.jwtVerify(token, jwks, { ...verifyOptions, audience: 'other' }), 'other audience');
  await refused(() => jose.jwtVerify(token, jwks, { ...verifyOptions, issuer: 'https://other.example' }), 'other issuer');
});

async function unwrap(jweFile, keyFile, alg, jti, thumbprint) {
  const key = await jose.importJWK(JSON.parse(read(keyFile)), alg);
  const { plaintext, protectedHeader } = await jose.compactDecrypt(read(jweFile), key, {
    keyManagementAlgorithms: [alg],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  equal(protectedHeader.alg, alg, 'alg');
  equal(protectedHeader.enc, 'A256GCM', 'enc');
  equal(protectedHeader.jti, jti, 'jti header');
  equal(protectedHeader.kid, thumbprint, 'kid header');
  equal(protectedHeader.model_key_id, expected.model_key_id, 'model_key_id header');
  equal(Buffer.from(plaintext).toString('base64url'), expected.model_key, 'model key');
}

await check('EC JWE (ECDH-ES+A256KW, A256GCM) decrypts to the model key', () =>
  unwrap('ec.jwe', 'ec-tee-private.jwk', 'ECDH-ES+A256KW', expected.jti, expected.tee_thumbprint));
await check('RSA JWE (RSA-OAEP-256, A256GCM) decrypts to the model key', () =>
  unwrap('rsa.jwe', 'rsa-tee-private.jwk', 'RSA-OAEP-256', expected.rsa_jti, expected.rsa_tee_thumbprint));

await check('a tampered JWE is refused', async () => {
  const parts = read('ec.jwe').split('.');
  const ct = Buffer.from(parts[3], 'base64url');
  ct[0] ^= 1;
  parts[3] = ct.toString('base64url');
  const key = await jose.importJWK(JSON.parse(read('ec-tee-private.jwk')), 'ECDH-ES+A256KW');
  await refused(() => jose.compactDecrypt(parts.join('.'), key), 'tampered JWE');
});

const receipt = read('receipt.jws');
await check('the release receipt verifies against our JWKS (ES256, typ release-receipt+jwt, claims)', async () => {
  const { payload, protectedHeader } = await jose.jwtVerify(receipt, jwks, {
    issuer: expected.issuer, algorithms: ['ES256'], typ: 'release-receipt+jwt',
  });
  equal(protectedHeader.typ, 'release-receipt+jwt', 'typ');
  equal(payload.token_jti, expected.jti, 'token_jti');
  equal(payload.model_key_id, expected.model_key_id, 'model_key_id');
  equal(payload.tee_key_thumbprint, expected.tee_thumbprint, 'tee_key_thumbprint');
  equal(payload.gateway, expected.audience, 'gateway');
  equal(payload.released_at, expected.receipt_released_at, 'released_at');
  equal(payload.log_index, expected.receipt_log_index, 'log_index');
  if (typeof payload.iat !== 'number') throw new Error('iat missing');
});

await check('a tampered receipt is refused, and a receipt is not a token', async () => {
  const [h, p, s] = receipt.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  claims.model_key_id = 'another-key';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await refused(() => jose.jwtVerify(forged, jwks, { issuer: expected.issuer, algorithms: ['ES256'] }), 'forged receipt');
  await refused(() => jose.jwtVerify(receipt, jwks, verifyOptions), 'receipt as a token');
});

const version = JSON.parse(readFileSync(new URL('./node_modules/jose/package.json', import.meta.url), 'utf8')).version;
if (failures.length) {
  console.log(`interop: FAILED ${failures.length} of ${passed + failures.length} checks with jose ${version}: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`interop: OK, jose ${version} verified our token and release receipt and decrypted our EC and RSA JWEs (${passed} checks)`);
