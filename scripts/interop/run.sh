#!/usr/bin/env bash
# Interop check run by .ci/run: our EAR token, release receipt and released-key JWEs, checked by the npm `jose`
# package (an independent JOSE implementation). Needs node >= 20 and npm; jose is installed from
# the pinned package-lock.json into scripts/interop/node_modules.
# 1. A Java test (examples/model-gateway InteropFixturesTest) starts the real verifier service with
#    stand-in evidence engines, attests, records a release receipt, and writes the token, the
#    receipt, the JWKS, an EC and an RSA JWE and the TEE private keys to a temporary folder.
# 2. check.mjs verifies and decrypts them with jose; exit status non-zero on any mismatch.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "interop: FAILED, node and npm are required" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "interop: FAILED, node >= 20 is required (found $(node --version))" >&2
  exit 1
fi

echo "interop: installing jose (npm ci, local folder)"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

echo "interop: writing fixtures with the Java SDK and the real service"
if ! (cd "$root" && mvn -B -q -pl examples/model-gateway -am test -Dtest=InteropFixturesTest \
      -Dsurefire.failIfNoSpecifiedTests=false -Dinterop.out="$out" >"$out.log" 2>&1); then
  cat "$out.log" >&2
  rm -f "$out.log"
  echo "interop: FAILED, the Java side could not write the fixtures" >&2
  exit 1
fi
rm -f "$out.log"
for f in token.jwt receipt.jws jwks.json ec.jwe ec-tee-private.jwk rsa.jwe rsa-tee-private.jwk expected.json; do
  if [ ! -s "$out/$f" ]; then
    echo "interop: FAILED, fixture $f was not written" >&2
    exit 1
  fi
done

echo "interop: checking with jose"
node "$here/check.mjs" "$out"
