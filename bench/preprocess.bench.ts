/**
 * `npm run bench -- preprocess`: images per second of lib/image's preprocessImage against transformers.js's
 * CLIPImageProcessor for the same config (openai/clip-vit-base-patch32's; no network, no model folder),
 * on the same five images from assets/images, in one run. Both read the file, decode and preprocess.
 * Then the parity of both with the Python reference (tests/fixtures/clip-preprocess) for every image.
 */
import * as path from 'path';
import { preprocessImage } from '../lib/image/preprocess';
import { pixelDifference, readFloat32File, transformersJsPreprocessor } from '../lib/image/compare';

const ROOT = path.join(__dirname, '..');
const IMAGES = ['astronaut.png', 'camera.png', 'chelsea.png', 'coffee.png', 'rocket.jpg'].map((f) => path.join(ROOT, 'assets', 'images', f));
const REF_DIR = path.join(ROOT, 'tests', 'fixtures', 'clip-preprocess');
const SECONDS_PER_ROUND = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

type Preprocess = (file: string) => Promise<Float32Array>;

async function imagesPerSecond(run: Preprocess): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS_PER_ROUND * 1000) {
    for (const file of IMAGES) await run(file);
    done += IMAGES.length;
  }
  return done / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const ours: Preprocess = async (file) => (await preprocessImage(file)).data;
  const theirs: Preprocess = transformersJsPreprocessor();

  // Warm up both (JIT, sharp's thread pool), then alternate rounds so machine load hits both alike. The best
  // round of each is the least disturbed by other processes; the median is printed beside it.
  for (const file of IMAGES) {
    await ours(file);
    await theirs(file);
  }
  const oursRuns: number[] = [];
  const theirsRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    oursRuns.push(await imagesPerSecond(ours));
    theirsRuns.push(await imagesPerSecond(theirs));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mine = Math.max(...oursRuns);
  const peer = Math.max(...theirsRuns);
  console.log(`CLIP image preprocessing, ${IMAGES.length} images (PNG 512×512 ×2, 451×300, 600×400, JPEG 640×427), ${ROUNDS} alternating rounds of ${SECONDS_PER_ROUND} s each`);
  console.table([
    { implementation: 'lib/image preprocessImage', 'images/s (best round)': Number(mine.toFixed(1)), 'images/s (median)': Number(median(oursRuns).toFixed(1)) },
    { implementation: 'peer: transformers.js AutoProcessor (CLIPImageProcessor)', 'images/s (best round)': Number(peer.toFixed(1)), 'images/s (median)': Number(median(theirsRuns).toFixed(1)) },
  ]);
  console.log(`ratio preprocessImage / transformers.js AutoProcessor = ${(mine / peer).toFixed(2)}× best round, ${(median(oursRuns) / median(theirsRuns)).toFixed(2)}× median (target ≥ 1.5×)`);

  const rows = [];
  for (const file of IMAGES) {
    const name = path.basename(file);
    const ref = readFloat32File(path.join(REF_DIR, `${name}.f32`));
    const a = pixelDifference(await ours(file), ref);
    const b = pixelDifference(await theirs(file), ref);
    rows.push({
      image: name,
      'ours mean': a.mean.toFixed(5), 'ours p99.9': a.p999.toFixed(4), 'ours max': a.max.toFixed(4),
      'transformers.js mean': b.mean.toFixed(5), 'transformers.js p99.9': b.p999.toFixed(4), 'transformers.js max': b.max.toFixed(4),
    });
  }
  console.log('Parity with the Python reference (HF CLIPImageProcessor + Pillow), |diff| in normalized units; target mean ≤ 0.01, p99.9 ≤ 0.1');
  console.table(rows);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
