#!/usr/bin/env bash
# Side-by-side benchmark of our TDX and SNP verification against @phala/dcap-qvl and
# @tinfoilsh/verifier (npm, versions pinned in package.json / package-lock.json), in one run on
# the same vectors of shared/testdata. Not part of CI (.ci/run): it is a benchmark.
#
# Usage, from anywhere:  bench/peers/run.sh [seconds-per-case]     (default 10)
# Env: ATTESTATION_TESTDATA_DIR (default ../shared/testdata from the repository root),
#      SKIP_BUILD=1 to reuse bench/target/benchmarks.jar, SKIP_JMH=1 to skip the JMH part.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-10}"
export ATTESTATION_TESTDATA_DIR="${ATTESTATION_TESTDATA_DIR:-$(cd "$root/../shared/testdata" && pwd)}"
# TDX/SGX vectors that both verifiers accept (trustee-azure-v4-00806f-outofdate is also tried: the peer rejects it).
tdx_vectors=(near-v4-20a06f-uptodate phala-v4-b0c06f-uptodate google-v5-td15-90c06f-uptodate sgx-v3-phala-00a067110000 trustee-azure-v4-00806f-outofdate)
out="$root/bench/target/peers"
mkdir -p "$out"

echo "# $(date -u +%FT%TZ) load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; node $(node --version); $(java -version 2>&1 | head -1)"
(cd "$here" && npm ci --no-audit --no-fund --silent)
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && mvn -q -o package -DskipTests -pl bench -am)
fi
jar="$root/bench/target/benchmarks.jar"

echo "# peers (node, one thread of JS; process.cpuUsage counts every thread of the process)"
node "$here/tdx-dcap-qvl.mjs" "$seconds" "${tdx_vectors[@]}" | tee "$out/peers.jsonl"
node "$here/snp-tinfoil.mjs" "$seconds" | tee -a "$out/peers.jsonl"

echo "# ours (same loop: 5 s warm-up, then the measured window; ThreadMXBean and process CPU)"
java -Xms1g -Xmx1g -cp "$jar" org.openanolis.attestation.bench.peers.PeerComparison "$seconds" \
  "${tdx_vectors[@]}" | tee "$out/ours.jsonl"

if [[ "${SKIP_JMH:-0}" != 1 ]]; then
  echo "# ours, JMH (short settings; the [cpu] lines are per CPU-second of the benchmark thread)"
  (cd "$root" && java -Djmh.ignoreLock=true -jar "$jar" 'TdxQuoteBenchmark.verifyWithCachedCollateral|SnpVerifyBenchmark.verifyCachedVek' \
    -f 1 -wi 3 -i 5 -w 2s -r 2s -t 1 -rf json -rff "$out/jmh.json" -jvmArgsAppend "-Dattestation.testdata.dir=$ATTESTATION_TESTDATA_DIR" \
    | grep -E '^(# Benchmark|# Parameters|Iteration|Benchmark|[A-Za-z]+Benchmark)|\[cpu\]') || echo "# JMH run failed (see above)"
fi

node "$here/report.mjs" "$out/ours.jsonl" "$out/peers.jsonl" "$out/jmh.json" | tee "$out/table.md"
