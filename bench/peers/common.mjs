// Shared helpers of the peer benchmark loops: read a bundle, measure a loop per CPU-second.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';

export function testdata() {
  return process.env.ATTESTATION_TESTDATA_DIR || new URL('../../../shared/testdata', import.meta.url).pathname;
}

export function bundle(tee, name) {
  const dir = join(testdata(), tee, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const file = (key, section) => readFileSync(join(dir, manifest[section][key]));
  return { dir, manifest, evidence: (k) => file(k, 'evidence'), collateral: (k) => file(k, 'collateral') };
}

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Runs op (sync or async) for a warm-up, then for measureSeconds of wall time, and reports
 * operations per CPU-second of the whole node process (process.cpuUsage: all threads, so the
 * libuv pool that runs WebCrypto and the GC are counted) and per wall-second.
 */
export async function measure(name, op, { warmupSeconds = 3, measureSeconds = 10 } = {}) {
  const run = async (seconds) => {
    const wallStart = process.hrtime.bigint();
    const cpuStart = cpuSeconds();
    const deadline = wallStart + BigInt(Math.round(seconds * 1e9));
    let ops = 0;
    while (process.hrtime.bigint() < deadline) {
      const r = op();
      if (r && typeof r.then === 'function') await r;
      ops++;
    }
    const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const cpu = cpuSeconds() - cpuStart;
    return { ops, wall, cpu };
  };
  await run(warmupSeconds);
  const m = await run(measureSeconds);
  const result = {
    name,
    ops: m.ops,
    cpu_seconds: +m.cpu.toFixed(3),
    wall_seconds: +m.wall.toFixed(3),
    ops_per_cpu_second: +(m.ops / m.cpu).toFixed(1),
    ops_per_wall_second: +(m.ops / m.wall).toFixed(1),
    loadavg_1m: +loadavg()[0].toFixed(2),
  };
  console.log(JSON.stringify(result));
  return result;
}
