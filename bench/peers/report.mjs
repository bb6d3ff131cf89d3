// Prints the side-by-side table of bench/peers/run.sh from the JSON lines of our loop, the peer
// loops and the JMH results. Usage: node report.mjs <ours.jsonl> <peers.jsonl> [jmh.json]
import { readFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';

const lines = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const [oursFile, peersFile, jmhFile] = process.argv.slice(2);
const ours = lines(oursFile);
const peers = lines(peersFile);
const key = (name) => name.split('/').slice(0, 2).join('/').replace('+mit_vector_zeroed', '');
const fmt = (n) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));

console.log('\n## Per-core throughput, same vectors, one run (single thread each)\n');
console.log('| vector | ours (verifications per CPU-s, thread / whole JVM) | peer | peer (per CPU-s, whole process) | ratio (thread) | ratio (whole JVM) | load avg (ours / peer) |');
console.log('|---|---|---|---|---|---|---|');
for (const p of peers) {
  const o = ours.find((x) => key(x.name) === key(p.name));
  const peerName = p.name.split('/').slice(2).join('/');
  if (p.ops_per_cpu_second === undefined) {
    console.log(`| ${p.name.split('/').slice(0, 2).join('/')} | ${o ? fmt(o.ops_per_cpu_second) : '-'} | ${peerName} | ${p.rejected ? 'rejected: ' + p.rejected : p.outcome} | - | - | - |`);
    continue;
  }
  const r = (x) => (o ? (x / p.ops_per_cpu_second).toFixed(1) + 'x' : '-');
  console.log(`| ${p.name.split('/').slice(0, 2).join('/')} | ${o ? fmt(o.ops_per_cpu_second) + ' / ' + fmt(o.ops_per_process_cpu_second) : '-'} `
      + `| ${peerName} | ${fmt(p.ops_per_cpu_second)} | ${o ? r(o.ops_per_cpu_second) : '-'} | ${o ? r(o.ops_per_process_cpu_second) : '-'} `
      + `| ${o ? o.loadavg_1m : '-'} / ${p.loadavg_1m} |`);
}
if (jmhFile && existsSync(jmhFile)) {
  console.log('\n## JMH (wall-clock throughput of one thread on the shared machine; see the [cpu] lines in the log for per CPU-second)\n');
  console.log('| benchmark | params | score (ops/s) | error |');
  console.log('|---|---|---|---|');
  for (const j of JSON.parse(readFileSync(jmhFile, 'utf8'))) {
    const m = j.primaryMetric;
    console.log(`| ${j.benchmark.replace('org.openanolis.attestation.bench.', '')} | ${JSON.stringify(j.params || {})} | ${fmt(m.score)} | ±${fmt(m.scoreError)} |`);
  }
}
console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores, shared)`);
