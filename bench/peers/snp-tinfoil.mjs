// @tinfoilsh/verifier (public API: verifyAttestation(doc, vcekBase64)) on the Genoa v5 vector
// testdata/snp/oak_genoa_v5, offline with the bundle's VCEK. Prints one JSON line per case.
// Usage: node snp-tinfoil.mjs [measureSeconds]
//
// The peer rejects this genuine v5 report at parse ("reserved" bytes 0x1F8..0x207 are
// LAUNCH_MIT_VECTOR / CURRENT_MIT_VECTOR in v5), so three cases are reported:
//  1. the real report through the public API: the outcome only (a rejection is not timed);
//  2. the real report with those 16 bytes zeroed, through the public API: the peer now does its
//     whole path (base64, gunzip, parse, ARK/ASK/VCEK chain, P-384 report signature) and rejects
//     at the signature, which the edit broke: this is the full per-call cost, timed;
//  3. the real report through the peer's own chain + signature functions (dist/sev/*.js, not in
//     its export map): accepted (true), timed, to show the cost of the crypto on genuine bytes.
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { verifyAttestation, PredicateType } from '@tinfoilsh/verifier';
import { bundle, measure } from './common.mjs';

const seconds = Number(process.argv[2] || 10);
const b = bundle('snp', 'oak_genoa_v5');
const report = new Uint8Array(b.evidence('report'));
const vcekDer = new Uint8Array(b.collateral('vek'));
const vcekBase64 = Buffer.from(vcekDer).toString('base64');
const doc = (bytes) => ({ format: PredicateType.SevGuestV2, body: gzipSync(bytes).toString('base64') });

async function outcome(d) {
  try {
    await verifyAttestation(d, vcekBase64);
    return 'accepted';
  } catch (e) {
    return `rejected: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`;
  }
}

// 1. The real report, public API.
const real = doc(report);
console.log(JSON.stringify({ name: 'snp/oak_genoa_v5/@tinfoilsh/verifier.verifyAttestation', outcome: await outcome(real) }));

// 2. Mitigation vectors zeroed, public API: full path, ends at the signature check.
const edited = report.slice();
edited.fill(0, 0x1f8, 0x208);
const editedDoc = doc(edited);
const editedOutcome = await outcome(editedDoc);
console.log(JSON.stringify({ name: 'snp/oak_genoa_v5+mit_vector_zeroed/@tinfoilsh/verifier.verifyAttestation', outcome: editedOutcome }));
if (!/signature/i.test(editedOutcome)) {
  throw new Error('expected the edited report to fail only at the report signature: ' + editedOutcome);
}
await measure('snp/oak_genoa_v5+mit_vector_zeroed/@tinfoilsh/verifier.verifyAttestation (full path, rejects at signature)',
    () => verifyAttestation(editedDoc, vcekBase64).then(() => { throw new Error('unexpected accept'); }, (e) => e),
    { measureSeconds: seconds });

// 3. The peer's chain + signature functions on the genuine bytes.
const require = createRequire(import.meta.url);
const dist = dirname(require.resolve('@tinfoilsh/verifier'));
const { CertificateChain } = await import(pathToFileURL(join(dist, 'sev', 'cert-chain.js')));
const { verifyAttestation: verifyChainAndSignature } = await import(pathToFileURL(join(dist, 'sev', 'verify.js')));
const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
const reportFields = {
  productName: 'Genoa',
  signerInfoParsed: { signingKey: 0 },
  version: view.getUint32(0x00, true),
  policy: view.getBigUint64(0x08, true),
  signatureAlgo: view.getUint32(0x34, true),
  signature: report.slice(0x2a0, 0x2a0 + 0x200),
  signedData: report.slice(0, 0x2a0),
};
const chainAndSignature = async () => {
  const chain = await CertificateChain.fromReport(reportFields, vcekDer);
  if ((await verifyChainAndSignature(chain, reportFields)) !== true) throw new Error('peer rejected the genuine report signature');
};
await chainAndSignature();
console.log(JSON.stringify({ name: 'snp/oak_genoa_v5/@tinfoilsh/verifier sev chain+signature (internal)', outcome: 'accepted' }));
await measure('snp/oak_genoa_v5/@tinfoilsh/verifier sev chain+signature (internal, genuine bytes)', chainAndSignature,
    { measureSeconds: seconds });
