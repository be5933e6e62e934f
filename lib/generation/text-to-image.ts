/**
 * Text steering generation, made visible: start from noise and change an image, step by step, so that the
 * mini-CLIP's image embedding moves towards a prompt's text embedding (gradient ascent on their cosine).
 *
 * The image is made by a tiny fixed "generator" whose input (the latent) is optimized; two are offered:
 *  - 'pixels': the latent is a small RGB grid (`latentSize`² × 3, e.g. 12×12), upsampled bilinearly to the model's
 *    48×48 input and squashed into 0..1 by a sigmoid. Almost any image is reachable, so the optimizer finds one
 *    that the encoder scores highly without it looking like the prompt to a person (an adversarial pattern).
 *  - 'blob': one coloured region on a grey background: the latent is the region's mask (a `latentSize`² grid, upsampled,
 *    sigmoid) and its colour (3 numbers). Far fewer images are reachable — a strong prior, as a trained generator
 *    has — and the region takes the prompt's shape and colour.
 * A smoothness penalty (total variation) keeps either from turning into high-frequency noise.
 *
 * Everything is TensorFlow.js (lib/backend): the mini-CLIP's image encoder is a patch-MLP of matMuls, so its
 * gradient with respect to the input pixels exists on the wasm backend.
 *
 * @example
 *   const { model, tokenizer } = loadMiniClip();
 *   const run = await optimizeImageForPrompt({ model, tokenizer, prompt: 'a photo of a red circle', steps: 80 });
 *   run.similarities[0];                       // e.g. 0.02 (noise)
 *   run.similarities[run.similarities.length - 1];   // e.g. 0.85
 *   showImage(await framesStripPng(run.frames, 48));  // the frames in a row, 128 px each
 */
import sharp from 'sharp';
import { tf } from '../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { CLIP_IMAGE_MEAN, CLIP_IMAGE_STD, MiniClip, toPixelValues } from '../mini-clip/model';
import type { MiniClipTokenizer } from '../mini-clip/tokenizer';
import { seededRandom } from '../worlds/shapes';
import { CourseError } from '../course/errors';

/** Raised for options the optimization cannot honour; the message names the option, the cause and the fix. */
export class TextToImageError extends CourseError {}

export interface TextToImageOptions {
  model: MiniClip;
  tokenizer: MiniClipTokenizer;
  prompt: string;
  /** Optimizer steps (default 150). */
  steps?: number;
  /** Adam's learning rate on the latent (default 0.2). */
  learningRate?: number;
  /** The generator: 'blob' (default: one coloured region on grey) or 'pixels' (a free RGB grid). */
  generator?: 'blob' | 'pixels';
  /** Side of the latent grid (default 12; with 'pixels', the model's imageSize optimizes raw pixels). */
  latentSize?: number;
  /** Grey level of the 'blob' generator's background, 0..1 (default 0.5). */
  background?: number;
  /** Weight of the total-variation (smoothness) penalty (default 1). */
  smoothness?: number;
  /** Seed of the starting noise (default 1). */
  seed?: number;
  /** Standard deviation of the starting noise in the latent (default 1.5). */
  noise?: number;
  /** Mean of the starting latent (default −2 for 'blob': mostly background; 0 for 'pixels': mid grey). */
  startBias?: number;
  /** Keep a frame every this many steps (default steps / 5); the first and last are always kept. */
  frameEvery?: number;
  /** Called with each kept frame (e.g. to show progress). */
  onFrame?: (frame: Frame) => void;
}

export interface Frame {
  step: number;
  /** Cosine between the image's embedding and the prompt's. */
  similarity: number;
  /** RGB bytes, imageSize × imageSize × 3, row-major. */
  pixels: Uint8Array;
}

export interface TextToImageResult {
  prompt: string;
  frames: Frame[];
  /** Cosine after every step (index 0: the starting noise). */
  similarities: number[];
  /** The final image (RGB bytes). */
  pixels: Uint8Array;
  imageSize: number;
  seconds: number;
}

/**
 * The [out × in] matrix of 1-D bilinear interpolation with half-pixel centres (as image resizers do): applying it
 * to rows and columns, U · X · Uᵀ, upsamples an in×in grid to out×out. Rows sum to 1.
 *
 * @example
 *   bilinearMatrix(4, 2);   // [[1,0],[0.75,0.25],[0.25,0.75],[0,1]]
 */
export function bilinearMatrix(out: number, inSize: number): number[][] {
  if (!Number.isInteger(out) || !Number.isInteger(inSize) || out < 1 || inSize < 1)
    throw new TextToImageError(`bilinearMatrix(${out}, ${inSize}): sizes must be positive whole numbers.`);
  return Array.from({ length: out }, (_, i) => {
    const x = Math.min(inSize - 1, Math.max(0, ((i + 0.5) * inSize) / out - 0.5));
    const lo = Math.floor(x);
    const hi = Math.min(inSize - 1, lo + 1);
    const row = new Array<number>(inSize).fill(0);
    row[lo] += 1 - (x - lo);
    row[hi] += x - lo;
    return row;
  });
}

/** RGB in 0..1, [1, 3, S, S] → the RGB bytes of one image, row-major. */
function toBytes(rgb: tfTypes.Tensor4D): Uint8Array {
  const [, , s] = rgb.shape;
  const data = rgb.dataSync();
  const out = new Uint8Array(s * s * 3);
  const plane = s * s;
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(Math.min(1, Math.max(0, data[c * plane + p])) * 255);
  return out;
}

/**
 * Optimizes an image (through its latent) to raise its cosine similarity to `prompt` under the mini-CLIP.
 * Loss = −cos(image, text) + smoothness · total variation. Deterministic in `seed`.
 */
export async function optimizeImageForPrompt(options: TextToImageOptions): Promise<TextToImageResult> {
  const { model, tokenizer, prompt } = options;
  const steps = options.steps ?? 150;
  const s = model.config.imageSize;
  const latentSize = options.latentSize ?? 12;
  const lr = options.learningRate ?? 0.2;
  const smoothness = options.smoothness ?? 1;
  if (typeof prompt !== 'string' || prompt.trim() === '')
    throw new TextToImageError('prompt is empty; pass a text such as "a photo of a red circle".');
  if (!Number.isInteger(steps) || steps < 1)
    throw new TextToImageError(`steps is ${steps}; pass a whole number ≥ 1 (e.g. 150).`);
  if (!Number.isInteger(latentSize) || latentSize < 2 || latentSize > s)
    throw new TextToImageError(`latentSize is ${latentSize}; use a whole number in 2..${s} (the model's input size).`);
  if (!(lr > 0) || !(smoothness >= 0) || !Number.isFinite(options.startBias ?? 0))
    throw new TextToImageError(
      `learningRate (${lr}) must be > 0, smoothness (${smoothness}) ≥ 0 and startBias (${options.startBias}) finite.`,
    );
  const generator = options.generator ?? 'blob';
  if (generator !== 'blob' && generator !== 'pixels')
    throw new TextToImageError(`generator '${String(generator)}' is unknown; use 'blob' or 'pixels'.`);
  const startBias = options.startBias ?? (generator === 'blob' ? -2 : 0);
  const frameEvery = options.frameEvery ?? Math.max(1, Math.round(steps / 5));
  const t0 = Date.now();
  const background = options.background ?? 0.5;
  if (!(background >= 0 && background <= 1))
    throw new TextToImageError(`background is ${background}; pass a grey level between 0 and 1.`);
  const r = seededRandom(options.seed ?? 1);
  const noise = options.noise ?? 1.5;
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const channels = generator === 'pixels' ? 3 : 1;
  // The blob starts as scattered specks (mostly background: latent mean startBias), so the shape has room to form.
  const start = Float32Array.from({ length: channels * latentSize * latentSize }, () => gauss() * noise + startBias);
  const tag = Math.random().toString(36).slice(2);
  const latent = tf.tidy(() =>
    tf.variable(tf.tensor3d(start, [channels, latentSize, latentSize]), true, `t2i-latent-${tag}`),
  );
  // The blob's colour starts random and saturated (a grey blob would be invisible to the model's colour mask).
  const colourStart = [0, 1, 2].map(() => gauss() * 2);
  const colour = tf.tidy(() => tf.variable(tf.tensor1d(colourStart), true, `t2i-colour-${tag}`));
  const variables = generator === 'pixels' ? [latent] : [latent, colour];
  const up = tf.tensor2d(bilinearMatrix(s, latentSize));
  const mean = tf.tensor4d([...CLIP_IMAGE_MEAN], [1, 3, 1, 1]);
  const std = tf.tensor4d([...CLIP_IMAGE_STD], [1, 3, 1, 1]);
  const text = tf.tidy(() => {
    const { inputIds, attentionMask } = tokenizer.batch([prompt]);
    const e = model.encodeText(inputIds, attentionMask);
    return tf.div(e, tf.norm(e)) as tfTypes.Tensor2D;
  });

  // latent [C,L,L] → [C,S,S] in 0..1: U · z · Uᵀ per channel, then a sigmoid.
  const upsample = (): tfTypes.Tensor3D => {
    const upT = tf.transpose(up) as tfTypes.Tensor2D;
    const rows = tf.matMul(
      tf.tile(tf.expandDims(up, 0), [channels, 1, 1]) as tfTypes.Tensor3D,
      latent as tfTypes.Tensor3D,
    ); // [C, S, L]
    return tf.sigmoid(
      tf.matMul(rows, tf.tile(tf.expandDims(upT, 0), [channels, 1, 1]) as tfTypes.Tensor3D),
    ) as tfTypes.Tensor3D; // [C, S, S]
  };
  // rgb [1,3,S,S] in 0..1
  const render = (): tfTypes.Tensor4D => {
    const grid = upsample();
    if (generator === 'pixels') return tf.reshape(grid, [1, 3, s, s]) as tfTypes.Tensor4D;
    const mask = tf.reshape(grid, [1, 1, s, s]);
    const fill = tf.reshape(tf.sigmoid(colour), [1, 3, 1, 1]);
    return tf.add(background, tf.mul(mask, tf.sub(fill, background))) as tfTypes.Tensor4D;
  };
  const similarityOf = (rgb: tfTypes.Tensor4D): tfTypes.Scalar => {
    const e = model.encodeImage(tf.div(tf.sub(rgb, mean), std) as tfTypes.Tensor4D);
    return tf.sum(tf.mul(tf.div(e, tf.norm(e)), text)) as tfTypes.Scalar;
  };
  const totalVariation = (rgb: tfTypes.Tensor4D): tfTypes.Scalar => {
    const dx = tf.sub(tf.slice(rgb, [0, 0, 0, 1], [-1, -1, -1, -1]), tf.slice(rgb, [0, 0, 0, 0], [-1, -1, -1, s - 1]));
    const dy = tf.sub(tf.slice(rgb, [0, 0, 1, 0], [-1, -1, -1, -1]), tf.slice(rgb, [0, 0, 0, 0], [-1, -1, s - 1, -1]));
    return tf.add(tf.mean(tf.abs(dx)), tf.mean(tf.abs(dy))) as tfTypes.Scalar;
  };

  const frames: Frame[] = [];
  const similarities: number[] = [];
  const keep = (step: number, similarity: number) => {
    const pixels = tf.tidy(() => toBytes(render()));
    const frame = { step, similarity, pixels };
    frames.push(frame);
    options.onFrame?.(frame);
  };
  const first = tf.tidy(() => similarityOf(render()).dataSync()[0]);
  similarities.push(first);
  keep(0, first);

  const optimizer = tf.train.adam(lr);
  try {
    for (let step = 1; step <= steps; step++) {
      let sim = 0;
      tf.tidy(() => {
        optimizer.minimize(
          () => {
            const rgb = render();
            const simT = similarityOf(rgb);
            sim = simT.dataSync()[0];
            return tf.add(tf.neg(simT), tf.mul(totalVariation(rgb), smoothness)) as tfTypes.Scalar;
          },
          false,
          variables,
        );
      });
      if (!Number.isFinite(sim))
        throw new TextToImageError(`the similarity became ${sim} at step ${step}; lower learningRate (e.g. 0.05).`);
      // `sim` is the similarity BEFORE this step's update; measure after it for an honest curve.
      const after = tf.tidy(() => similarityOf(render()).dataSync()[0]);
      similarities.push(after);
      if (step % frameEvery === 0 || step === steps) keep(step, after);
    }
    const pixels = frames[frames.length - 1].pixels;
    return { prompt, frames, similarities, pixels, imageSize: s, seconds: (Date.now() - t0) / 1000 };
  } finally {
    optimizer.dispose();
    latent.dispose();
    colour.dispose();
    [up, mean, std, text].forEach((t) => t.dispose());
  }
}

/**
 * Zero-shot probabilities of RGB images (bytes, size×size×3 each) among `labels` under the mini-CLIP.
 *
 * @example
 *   zeroShotPixels(model, tokenizer, run.pixels, ['a photo of a red circle', 'a photo of a blue star']);
 *   // [[0.98, 0.02]]
 */
export function zeroShotPixels(
  model: MiniClip,
  tokenizer: MiniClipTokenizer,
  pixels: Uint8Array,
  labels: string[],
): number[][] {
  const s = model.config.imageSize;
  if (pixels.length === 0 || pixels.length % (s * s * 3) !== 0)
    throw new TextToImageError(`pixels has ${pixels.length} bytes, not a whole number of ${s}×${s}×3 images.`);
  if (labels.length < 2)
    throw new TextToImageError(`labels has ${labels.length} entries; zero-shot needs at least two labels to compare.`);
  const n = pixels.length / (s * s * 3);
  return tf.tidy(() => {
    const img = model.encodeImage(tf.tensor4d(toPixelValues(pixels, s), [n, 3, s, s]));
    const { inputIds, attentionMask } = tokenizer.batch(labels);
    const txt = model.encodeText(inputIds, attentionMask);
    const cos = tf.matMul(
      tf.div(img, tf.norm(img, 'euclidean', 1, true)),
      tf.div(txt, tf.norm(txt, 'euclidean', 1, true)),
      false,
      true,
    );
    const scale = Math.exp(Math.min(model.logitScale.dataSync()[0], Math.log(100)));
    return tf.softmax(tf.mul(cos, scale)).arraySync() as number[][];
  });
}

/**
 * The frames side by side in one PNG, each upscaled by nearest neighbour to `cell` pixels, with a gap between them.
 *
 * @example
 *   const png = await framesStripPng(run.frames, 48, { cell: 128 });   // (n·128 + gaps) × 128 PNG
 */
export async function framesStripPng(
  frames: ReadonlyArray<{ pixels: Uint8Array }>,
  imageSize: number,
  options: { cell?: number; gap?: number; background?: number } = {},
): Promise<Buffer> {
  const cell = options.cell ?? 128;
  const gap = options.gap ?? 6;
  const bg = options.background ?? 255;
  if (frames.length === 0) throw new TextToImageError('framesStripPng: no frames given.');
  for (const f of frames)
    if (f.pixels.length !== imageSize * imageSize * 3)
      throw new TextToImageError(
        `a frame has ${f.pixels.length} bytes; ${imageSize}×${imageSize}×3 = ${imageSize * imageSize * 3} expected.`,
      );
  const width = frames.length * cell + (frames.length - 1) * gap;
  const out = new Uint8Array(width * cell * 3).fill(bg);
  frames.forEach((f, k) => {
    const x0 = k * (cell + gap);
    for (let y = 0; y < cell; y++) {
      const sy = Math.floor((y * imageSize) / cell);
      for (let x = 0; x < cell; x++) {
        const sx = Math.floor((x * imageSize) / cell);
        const src = (sy * imageSize + sx) * 3;
        const dst = (y * width + x0 + x) * 3;
        out[dst] = f.pixels[src];
        out[dst + 1] = f.pixels[src + 1];
        out[dst + 2] = f.pixels[src + 2];
      }
    }
  });
  return sharp(Buffer.from(out.buffer, out.byteOffset, out.byteLength), { raw: { width, height: cell, channels: 3 } })
    .png()
    .toBuffer();
}
