/**
 * What every bench shares: paired, alternating rounds (ours, then the peer, then ours, ...) so machine load hits
 * both sides alike; per round wall time and CPU time of this process; the ratio is the median of the per-round
 * ratios (peer time / our time, so > 1 means we are faster); results written to build/bench/NAME.json.
 *
 * CPU time is `process.cpuUsage()` (user + system, every thread of the process): on a shared machine it is the
 * steadier measure, and it charges thread pools (sharp's, onnxruntime's) to whoever uses them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PATHS } from '../lib/course/paths';

export interface Side {
  /** The implementation's name, as printed. */
  name: string;
  run: () => unknown | Promise<unknown>;
}

export interface RoundTimes {
  wallMs: number[];
  cpuMs: number[];
}

export interface PairedResult {
  ours: RoundTimes;
  peer: RoundTimes;
  /** Per round: peer time / our time. */
  cpuRatios: number[];
  wallRatios: number[];
  /** Medians of the per-round ratios. */
  cpuRatio: number;
  wallRatio: number;
  /** Medians of each side's rounds. */
  oursCpuMs: number;
  peerCpuMs: number;
  oursWallMs: number;
  peerWallMs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timeOnce(
  fn: () => unknown | Promise<unknown>,
  reps: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  const wallMs = (performance.now() - t0) / reps;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000 / reps };
}

/**
 * Runs `warmup` calls of each side, then `rounds` alternating rounds (the side going first alternates too), each
 * round timing `reps` calls of one side.
 */
export async function pairedRounds(
  ours: Side,
  peer: Side,
  options: { rounds?: number; reps?: number; warmup?: number } = {},
): Promise<PairedResult> {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 7);
  const reps = options.reps ?? 1;
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    await ours.run();
    await peer.run();
  }
  const o: RoundTimes = { wallMs: [], cpuMs: [] };
  const p: RoundTimes = { wallMs: [], cpuMs: [] };
  for (let r = 0; r < rounds; r++) {
    const order: [Side, RoundTimes][] =
      r % 2 === 0
        ? [
            [ours, o],
            [peer, p],
          ]
        : [
            [peer, p],
            [ours, o],
          ];
    for (const [side, times] of order) {
      const t = await timeOnce(side.run, reps);
      times.wallMs.push(t.wallMs);
      times.cpuMs.push(t.cpuMs);
    }
  }
  const cpuRatios = o.cpuMs.map((c, i) => p.cpuMs[i] / c);
  const wallRatios = o.wallMs.map((w, i) => p.wallMs[i] / w);
  return {
    ours: o,
    peer: p,
    cpuRatios,
    wallRatios,
    cpuRatio: median(cpuRatios),
    wallRatio: median(wallRatios),
    oursCpuMs: median(o.cpuMs),
    peerCpuMs: median(p.cpuMs),
    oursWallMs: median(o.wallMs),
    peerWallMs: median(p.wallMs),
  };
}

/** One line of a bench's verdict: the target, the measured ratio and whether it is met. */
export interface Target {
  name: string;
  ratio: number;
  target: number;
  met: boolean;
  /** Which measure the ratio uses: 'cpu' (CPU time per item) or 'wall'. */
  measure: 'cpu' | 'wall';
}

export function target(name: string, ratio: number, goal: number, measure: 'cpu' | 'wall' = 'cpu'): Target {
  return { name, ratio, target: goal, met: ratio >= goal, measure };
}

export function printTargets(targets: Target[]): void {
  for (const t of targets) {
    console.log(
      `target ${t.name} ≥ ${t.target}× (${t.measure === 'cpu' ? 'per CPU-second' : 'wall clock'}): ${t.met ? 'met' : 'NOT met'} (${t.ratio.toFixed(2)}×)`,
    );
  }
}

/** The conditions of the run, stored with every result: the machine is shared, so its load is part of the record. */
export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Writes build/bench/NAME.json and says where. */
export function writeResult(name: string, result: Record<string, unknown>): string {
  const dir = path.join(PATHS.build, 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ bench: name, machine: machine(), ...result }, null, 2) + '\n');
  console.log(`wrote ${path.relative(path.join(PATHS.build, '..'), file)}`);
  return file;
}

export const round2 = (x: number) => Number(x.toFixed(2));
