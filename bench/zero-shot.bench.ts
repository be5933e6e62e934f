/**
 * Zero-shot classification of 64 images × 24 labels: lib/clip's `zeroShot` against transformers.js's
 * `zero-shot-image-classification` pipeline called ONCE with all 64 images (its best path: one batched call, the
 * 24 labels encoded once). Same model, same image files on disk, same labels, same run. Both re-encode the labels on
 * every call (the clip is loaded with cacheTexts: false). Alternating paired rounds; ratio = median of per-round
 * CPU-time ratios (wall-clock ratios printed too). Target: zeroShot ≥ 2× per CPU-second. Writes
 * build/bench/zero-shot.json.
 *
 * Run on each of the course's models, as `loadCourseClip({ fallback })` gives them: the shapes-world mini-CLIP and
 * the emoji-CLIP (or, where it is cached, the real CLIP once). The 64 images are shapes-world PNGs and the 24 labels
 * its colour × shape pairs, so the top-1 accuracy printed is meaningful on the mini-CLIP only; timing is the point.
 *
 *   npm run bench -- zero-shot
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadCourseClip, loadZeroShotPipeline } from '../lib/clip/index';
import { preprocessImages } from '../lib/image/preprocess';
import { allPairs, generateShapes } from '../lib/worlds/shapes';
import { pairedRounds, printTargets, round2, target, writeResult, type Target } from './harness';

const IMAGES = 64;
const TARGET = 2;

type Ranking = { label: string; score: number }[];

async function main(): Promise<number> {
  const results: Record<string, unknown>[] = [];
  const targets: Target[] = [];
  for (const fallback of ['mini-clip', 'emoji-clip'] as const) {
    const r = await benchModel(fallback);
    if (!r) continue;
    results.push(r.result);
    targets.push(r.target);
  }
  printTargets(targets);
  writeResult('zero-shot', { models: results, targets });
  return 0; // like the other benches: the verdict is printed; only an error fails the run
}

async function benchModel(
  fallback: 'mini-clip' | 'emoji-clip',
): Promise<{ result: Record<string, unknown>; target: Target } | null> {
  const clip = await loadCourseClip({ log: (m) => console.log(m), cacheTexts: false, fallback });
  if (clip.pretrained && fallback !== 'mini-clip') {
    await clip.dispose(); // the real CLIP is cached: it was measured once already
    return null;
  }
  const classify = await loadZeroShotPipeline(clip, { onProgress: false });
  const labels = allPairs().map(({ colour, shape }) => `a photo of a ${colour} ${shape}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zero-shot-bench-'));
  try {
    const samples = await generateShapes({ seed: 2024, count: IMAGES });
    const files = samples.map((s, i) => {
      const f = path.join(dir, `shape-${String(i).padStart(2, '0')}.png`);
      fs.writeFileSync(f, s.png);
      return f;
    });
    let clipResult: Ranking[] = [];
    let pipeResult: Ranking[] = [];
    const ours = {
      name: 'lib/clip zeroShot(files, labels), one call',
      run: async () => {
        clipResult = await clip.zeroShot(files, labels);
      },
    };
    const peer = {
      name: 'peer: transformers.js zero-shot-image-classification pipeline, one batched call (files, labels)',
      run: async () => {
        pipeResult = (await classify(files, labels, { hypothesis_template: '{}' })) as unknown as Ranking[];
      },
    };
    const r = await pairedRounds(ours, peer, { rounds: Number(process.env.BENCH_ROUNDS ?? 7), reps: 3, warmup: 2 });
    const pre = await pairedRounds(
      {
        name: 'inside zeroShot: lib/image preprocessImages of the 64 files',
        run: () => preprocessImages(files, clip.preprocessorConfig),
      },
      { name: '(same, again)', run: () => undefined },
      { rounds: 3, warmup: 1 },
    );

    let agree = 0;
    let maxDiff = 0;
    clipResult.forEach((ranking, i) => {
      const p = pipeResult[i];
      if (ranking[0].label === p[0].label) agree++;
      const pScore = new Map(p.map((x) => [x.label, x.score]));
      for (const x of ranking) maxDiff = Math.max(maxDiff, Math.abs(x.score - pScore.get(x.label)!));
    });
    const correct = clipResult.filter(
      (ranking, i) => ranking[0].label === `a photo of a ${samples[i].colour} ${samples[i].shape}`,
    ).length;

    console.log(
      `model: ${clip.modelId} (${clip.pretrained ? 'pretrained' : "a course model, loadCourseClip({ fallback: '" + fallback + "' })"}), ${IMAGES} images × ${labels.length} labels, alternating paired rounds, model load excluded, machine shared (timings under load)`,
    );
    const table = [
      {
        implementation: peer.name,
        'CPU ms': Math.round(r.peerCpuMs),
        'CPU ms/image': round2(r.peerCpuMs / IMAGES),
        'images/CPU-s': round2((1000 * IMAGES) / r.peerCpuMs),
        'wall ms': Math.round(r.peerWallMs),
      },
      {
        implementation: ours.name,
        'CPU ms': Math.round(r.oursCpuMs),
        'CPU ms/image': round2(r.oursCpuMs / IMAGES),
        'images/CPU-s': round2((1000 * IMAGES) / r.oursCpuMs),
        'wall ms': Math.round(r.oursWallMs),
      },
      {
        implementation: '(inside zeroShot: reading + decoding + preprocessing with lib/image)',
        'CPU ms': Math.round(pre.oursCpuMs),
        'CPU ms/image': round2(pre.oursCpuMs / IMAGES),
        'images/CPU-s': round2((1000 * IMAGES) / pre.oursCpuMs),
        'wall ms': Math.round(pre.oursWallMs),
      },
    ];
    console.table(table);
    console.log(
      `ratios per round: CPU ${r.cpuRatios.map(round2).join(', ')}; wall ${r.wallRatios.map(round2).join(', ')} (median wall ${round2(r.wallRatio)}×)`,
    );
    console.log(
      `top-1 agreement with the pipeline: ${agree}/${IMAGES}; largest probability difference ${maxDiff.toFixed(4)} (the pipeline preprocesses with transformers.js, zeroShot with lib/image)`,
    );
    if (!clip.pretrained && fallback === 'mini-clip')
      console.log(`zeroShot top-1 accuracy on the drawn colour and shape: ${correct}/${IMAGES}`);
    const t = target(`zeroShot vs one batched pipeline call (${clip.modelId})`, r.cpuRatio, TARGET);
    printTargets([t]);
    await clip.dispose();
    await classify.dispose();
    return {
      result: {
        model: clip.modelId,
        pretrained: clip.pretrained,
        images: IMAGES,
        labels: labels.length,
        implementations: table,
        paired: r,
        agreement: agree,
        maxProbabilityDifference: maxDiff,
        correct,
      },
      target: t,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`${err.name}: ${err.message}`);
    process.exit(1);
  },
);
