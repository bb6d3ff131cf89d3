// @phala/dcap-qvl (public API: verify(quote, collateral, nowSecs)) on our TDX vectors, offline,
// with the collateral of each bundle, at the bundle's verify_at. Prints one JSON line per vector.
// Usage: node tdx-dcap-qvl.mjs [measureSeconds] [bundle ...]
import dcap from '@phala/dcap-qvl';
import { bundle, measure } from './common.mjs';

const [secondsArg, ...names] = process.argv.slice(2);
const seconds = Number(secondsArg || 10);
const vectors = names.length ? names : ['near-v4-20a06f-uptodate'];

/** The signed inner object of an Intel PCS body, byte for byte (the signature covers these bytes). */
function signedBody(raw, key) {
  const text = raw.toString('utf8');
  const start = text.indexOf(`"${key}":`) + key.length + 3;
  const end = text.lastIndexOf(',"signature"');
  if (start < key.length + 3 || end < start) throw new Error(`no ${key} in collateral`);
  return { body: text.substring(start, end), signature: JSON.parse(text).signature };
}

for (const name of vectors) {
  const b = bundle('tdx', name);
  const quote = b.evidence('quote');
  const tcb = signedBody(b.collateral('tcb_info'), 'tcbInfo');
  const qe = signedBody(b.collateral('qe_identity'), 'enclaveIdentity');
  const collateral = {
    pck_crl_issuer_chain: b.collateral('pck_crl_issuer_chain').toString('utf8'),
    root_ca_crl: Array.from(b.collateral('root_ca_crl')),
    pck_crl: Array.from(b.collateral('pck_crl')),
    tcb_info_issuer_chain: b.collateral('tcb_info_issuer_chain').toString('utf8'),
    tcb_info: tcb.body,
    tcb_info_signature: tcb.signature,
    qe_identity_issuer_chain: b.collateral('qe_identity_issuer_chain').toString('utf8'),
    qe_identity: qe.body,
    qe_identity_signature: qe.signature,
  };
  const now = Date.parse(b.manifest.verify_at) / 1000;
  let first;
  try {
    first = dcap.verify(quote, collateral, now);
  } catch (e) {
    // A rejected vector is reported, not timed: rejection cost is not verification cost.
    console.log(JSON.stringify({ name: `tdx/${name}/@phala/dcap-qvl.verify`, rejected: String(e.message) }));
    continue;
  }
  console.error(`# ${name}: @phala/dcap-qvl says ${first.status} ${JSON.stringify(first.advisory_ids)}`);
  await measure(`tdx/${name}/@phala/dcap-qvl.verify`, () => dcap.verify(quote, collateral, now),
      { measureSeconds: seconds });
}
