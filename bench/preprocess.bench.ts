/**
 * `npm run bench -- preprocess`: CLIP image preprocessing of the five reference images (assets/images: PNG 512×512
 * ×2 (one grey), 451×300, 600×400, JPEG 640×427; read the file, decode, resize, crop, normalise) per CPU-second:
 *  - lib/image's preprocessImage, against
 *  - Pillow (Debian's python3-pil + python3-numpy, bench/pillow_preprocess.py): Hugging Face CLIPImageProcessor's
 *    arithmetic by Pillow's fastest bit-identical path, in one long-lived Python process;
 *  - transformers.js's CLIPImageProcessor (AutoProcessor), for scale.
 * Rounds alternate (ours, Pillow, transformers.js, ...), BENCH_SECONDS each; ratio = median of the per-round ratios
 * of images per CPU-second. Then the parity of each with the Python reference (tests/fixtures/clip-preprocess).
 * Without python3-pil the Pillow peer is skipped and the bench says how to install it. Writes
 * build/bench/preprocess.json.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as path from 'path';
import { createInterface } from 'readline';
import { preprocessImage } from '../lib/image/preprocess';
import { pixelDifference, readFloat32File, transformersJsPreprocessor } from '../lib/image/compare';
import { median, printTargets, round2, target, writeResult, type Target } from './harness';

const ROOT = path.join(__dirname, '..');
const NAMES = ['astronaut.png', 'camera.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'];
const IMAGES = NAMES.map((f) => path.join(ROOT, 'assets', 'images', f));
const REF_DIR = path.join(ROOT, 'tests', 'fixtures', 'clip-preprocess');
const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Rate = { images: number; cpu: number; wall: number };

async function jsRound(run: (file: string) => Promise<unknown>): Promise<Rate> {
  let images = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS_PER_ROUND * 1000) {
    for (const file of IMAGES) await run(file);
    images += IMAGES.length;
  }
  const c = process.cpuUsage(c0);
  return { images, cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000 };
}

/** A Python with Pillow and numpy: Debian's /usr/bin/python3 first (python3-pil), then python3 on PATH. */
export function findPillowPython(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import PIL, numpy; print(PIL.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

class PillowPeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  constructor(python: string) {
    this.proc = spawn(python, [path.join(__dirname, 'pillow_preprocess.py'), ...NAMES]);
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }
  async ask<T>(cmd: Record<string, unknown>): Promise<T> {
    this.proc.stdin.write(JSON.stringify(cmd) + '\n');
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the Pillow peer ended early');
    return JSON.parse(value) as T;
  }
  close(): void {
    this.proc.stdin.write(JSON.stringify({ cmd: 'quit' }) + '\n');
    this.proc.stdin.end();
  }
}

async function main(): Promise<void> {
  const ours = async (file: string) => (await preprocessImage(file)).data;
  const tfjs = transformersJsPreprocessor();
  const python = findPillowPython();
  const pillow = python ? new PillowPeer(python) : null;
  if (!pillow)
    console.log(
      "Pillow peer skipped: no python3 with Pillow and numpy. Install Debian's: apt-get install -y python3-pil python3-numpy",
    );

  for (const file of IMAGES) {
    await ours(file);
    await tfjs(file);
  }
  if (pillow) await pillow.ask({ cmd: 'round', seconds: 0.2 });
  const rounds: { ours: Rate; pillow?: Rate; transformersJs: Rate }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const o = await jsRound(ours);
    const p = pillow ? await pillow.ask<Rate>({ cmd: 'round', seconds: SECONDS_PER_ROUND }) : undefined;
    const t = await jsRound(tfjs);
    rounds.push({ ours: o, pillow: p, transformersJs: t });
  }
  const perCpuS = (x: Rate) => x.images / x.cpu;
  const row = (name: string, xs: Rate[]) => ({
    implementation: name,
    'images/CPU-s': round2(median(xs.map(perCpuS))),
    'CPU ms/image': round2(median(xs.map((x) => (1000 * x.cpu) / x.images))),
    'images/s (wall)': round2(median(xs.map((x) => x.images / x.wall))),
  });
  const table = [
    row(
      'lib/image preprocessImage',
      rounds.map((r) => r.ours),
    ),
  ];
  if (pillow)
    table.push(
      row(
        `peer: Pillow ${python} (bench/pillow_preprocess.py)`,
        rounds.map((r) => r.pillow!),
      ),
    );
  table.push(
    row(
      'transformers.js AutoProcessor (CLIPImageProcessor)',
      rounds.map((r) => r.transformersJs),
    ),
  );
  console.log(
    `CLIP image preprocessing, ${IMAGES.length} reference images, ${ROUNDS} alternating rounds of ${SECONDS_PER_ROUND} s each; machine shared (timings under load)`,
  );
  console.table(table);

  const targets: Target[] = [];
  const vsPillow = pillow ? rounds.map((r) => perCpuS(r.ours) / perCpuS(r.pillow!)) : [];
  const vsTfjs = rounds.map((r) => perCpuS(r.ours) / perCpuS(r.transformersJs));
  if (pillow) {
    console.log(`ratios vs Pillow per round (images per CPU-second): ${vsPillow.map(round2).join(', ')}`);
    targets.push(target('preprocessImage vs Pillow', median(vsPillow), 1.1));
  }
  console.log(`ratio vs transformers.js (median of rounds): ${round2(median(vsTfjs))}×`);

  const parity: Record<string, unknown>[] = [];
  const pillowParity = pillow ? await pillow.ask<Record<string, number>>({ cmd: 'parity' }) : {};
  for (const file of IMAGES) {
    const name = path.basename(file);
    const ref = readFloat32File(path.join(REF_DIR, `${name}.f32`));
    const a = pixelDifference(await ours(file), ref);
    const b = pixelDifference(await tfjs(file), ref);
    parity.push({
      image: name,
      'ours max |diff|': a.max,
      'Pillow peer max |diff|': pillowParity[name] ?? 'n/a',
      'transformers.js mean': round2(b.mean * 1000) / 1000,
      'transformers.js max': round2(b.max * 1000) / 1000,
    });
  }
  pillow?.close();
  console.log(
    'Parity with the Python reference (HF CLIPImageProcessor + Pillow), |diff| in normalized units (0 = bit-identical)',
  );
  console.table(parity);
  printTargets(targets);
  writeResult('preprocess', {
    images: NAMES,
    secondsPerRound: SECONDS_PER_ROUND,
    pillow: python ?? null,
    implementations: table,
    rounds,
    ratiosVsPillow: vsPillow,
    ratiosVsTransformersJs: vsTfjs,
    parity,
    targets,
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
