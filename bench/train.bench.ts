/**
 * `npm run bench -- train`: the mini-CLIP's training step (`contrastiveStep`: forward, clipLoss, gradients, Adam),
 * which is nearly all of `npm run train:mini-clip`, against the same step as it was before issue 16
 * (bench/peers/mini-clip-model-before.ts + tfjs's default matMul gradients): same data, same batch size (128),
 * same seed, same backend, in one run. Alternating paired rounds of STEPS steps each; ratio = median of the
 * per-round CPU-time ratios. Prints steps/s and CPU-ms per image; writes build/bench/train.json.
 *
 * What changed (lib/embeddings/xnnpack.ts, every number bit-identical): gradient products as flag-free XNNPACK
 * matMuls summed in the scalar loop's k blocks, the token embedding's gradient summed in JS in that order, the
 * weight-free image preprocessing outside the gradient tape, and no tf.tile in centreOn for the 1-channel mask.
 */
import { tf, initBackend } from '../lib/course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { contrastiveStep } from '../lib/mini-clip/train';
import { MiniClip, defaultMiniClipConfig } from '../lib/mini-clip/model';
import { MiniClipTokenizer } from '../lib/mini-clip/tokenizer';
import { CLIP_LOGIT_SCALE_MAX } from '../lib/embeddings/contrastive';
import { generateShapePixels, seededRandom } from '../lib/worlds/shapes';
import { MiniClip as MiniClipBefore, toPixelValues } from './peers/mini-clip-model-before';
import { pairedRounds, printTargets, round2, target, writeResult } from './harness';

const STEPS = Number(process.env.BENCH_TRAIN_STEPS ?? 6);
const BATCH = 128;

/** The training step before issue 16: clipLoss with matMul(Î, T̂, false, true) and tfjs's own gradients. */
function stepBefore(
  model: MiniClipBefore,
  optimizer: tfTypes.Optimizer,
  pixels: Uint8Array,
  s: number,
  tokens: { inputIds: number[][]; attentionMask: number[][] },
  idx: number[],
): number {
  return tf.tidy(() => {
    const px = tf.tensor4d(toPixelValues(pixels, s, idx), [idx.length, 3, s, s]);
    const ids = tf.tensor2d(
      idx.map((k) => tokens.inputIds[k]),
      undefined,
      'int32',
    );
    const mask = tf.tensor2d(
      idx.map((k) => tokens.attentionMask[k]),
      undefined,
      'float32',
    );
    const loss = optimizer.minimize(
      () => {
        const norm = (x: tfTypes.Tensor2D) => tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12));
        const imageN = norm(model.encodeImage(px));
        const textN = norm(model.encodeText(ids, mask));
        const scale = tf.exp(tf.minimum(model.logitScale, CLIP_LOGIT_SCALE_MAX));
        const logits = tf.mul(scale, tf.matMul(imageN, textN, false, true));
        const diagonal = tf.mul(scale, tf.sum(tf.mul(imageN, textN), 1));
        const a = tf.mean(tf.sub(tf.logSumExp(logits, 1), diagonal));
        const b = tf.mean(tf.sub(tf.logSumExp(logits, 0), diagonal));
        return tf.div(tf.add(a, b), 2) as tfTypes.Scalar;
      },
      true,
      model.trainableVariables(),
    ) as tfTypes.Scalar;
    return loss.dataSync()[0];
  });
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const tokenizer = MiniClipTokenizer.default();
  const config = defaultMiniClipConfig({ variant: 'factored', vocabSize: tokenizer.vocabSize });
  const s = config.imageSize;
  const train = await generateShapePixels({ seed: 1, count: 1024, heldOut: 'exclude', imageSize: s });
  const tokens = tokenizer.batch(train.examples.map((e) => e.caption));
  const now = MiniClip.create(config, 1);
  const before = MiniClipBefore.create(config, 1);
  const optNow = tf.train.adam(2e-3);
  const optBefore = tf.train.adam(2e-3);
  const rng = seededRandom(18);
  const batches = Array.from({ length: 8 }, () =>
    Array.from({ length: BATCH }, () => Math.floor(rng() * train.examples.length)),
  );
  let k = 0;
  const ours = {
    name: 'contrastiveStep now (gradients on XNNPACK or summed in JS, same bits; no no-op tile)',
    run: () => {
      for (let i = 0; i < STEPS; i++)
        contrastiveStep(now, optNow, train.pixels, s, tokens, batches[(k + i) % batches.length]);
    },
  };
  const peer = {
    name: 'peer: the same step before issue 16 (tfjs default matMul gradients, tile)',
    run: () => {
      for (let i = 0; i < STEPS; i++)
        stepBefore(before, optBefore, train.pixels, s, tokens, batches[(k + i) % batches.length]);
      k += STEPS;
    },
  };
  // Same weights, same first batch: the two steps compute the same loss (within float rounding).
  const firstLosses: [number, number] = [
    contrastiveStep(MiniClip.create(config, 1), tf.train.adam(2e-3), train.pixels, s, tokens, batches[0]),
    stepBefore(MiniClipBefore.create(config, 1), tf.train.adam(2e-3), train.pixels, s, tokens, batches[0]),
  ];
  console.log(
    `mini-CLIP training step, batch ${BATCH}, ${STEPS} steps per round, TensorFlow.js backend '${backend}'; alternating paired rounds, machine shared (timings under load)`,
  );
  const r = await pairedRounds(ours, peer, { rounds: Number(process.env.BENCH_ROUNDS ?? 5) });
  const perStep = (ms: number) => ms / STEPS;
  const table = [
    {
      implementation: ours.name,
      'CPU ms/step': Math.round(perStep(r.oursCpuMs)),
      'CPU ms/image': round2(perStep(r.oursCpuMs) / BATCH),
      'steps/CPU-s': round2(1000 / perStep(r.oursCpuMs)),
      'wall ms/step': Math.round(perStep(r.oursWallMs)),
    },
    {
      implementation: peer.name,
      'CPU ms/step': Math.round(perStep(r.peerCpuMs)),
      'CPU ms/image': round2(perStep(r.peerCpuMs) / BATCH),
      'steps/CPU-s': round2(1000 / perStep(r.peerCpuMs)),
      'wall ms/step': Math.round(perStep(r.peerWallMs)),
    },
  ];
  console.table(table);
  console.log(
    `first-step loss, same weights and batch: now ${firstLosses[0].toFixed(6)}, before ${firstLosses[1].toFixed(6)}`,
  );
  console.log(`ratios (CPU time, per round): ${r.cpuRatios.map(round2).join(', ')}`);
  const targets = [target('training step vs before issue 16', r.cpuRatio, 1.5)];
  printTargets(targets);
  writeResult('train', {
    batch: BATCH,
    stepsPerRound: STEPS,
    backend,
    implementations: table,
    paired: r,
    firstLosses,
    targets,
  });
  now.dispose();
  before.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
