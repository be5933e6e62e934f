/**
 * The mini-CLIP in TensorFlow.js: a small image encoder and a small text encoder, each followed by a linear
 * projection into one shared 64-dimensional space, and CLIP's learnable logit scale.
 *
 * Image encoder, two variants (same building blocks: a patch-MLP built from matMul, which the wasm backend can train):
 *  - 'plain':    pixel_values → 8×8 RGB patches → shared linear + position embedding → ReLU → flatten → MLP → projection.
 *                It learns shape and colour from the same pixels, and so learns conjunctions ("red-triangle-ness"):
 *                a SHORTCUT that fails on (colour, shape) pairs it never saw.
 *  - 'factored': a SHAPE pathway — the same patch-MLP, but on a colour-blind view: the foreground mask
 *                clip((max(R,G,B) − min(R,G,B) − t)·g, 0, 1) (backgrounds are grey, shapes saturated) — and a COLOUR
 *                pathway — an MLP on the mean colour under that mask. The projection is linear over the two, so
 *                colour and shape add up in the shared space and unseen pairs compose.
 * Text encoder: tokens → embedding (one-hot · matrix; a Gather in ONNX) → mean over real tokens (attention mask,
 * so padding changes nothing) → linear projection. A bag of words: it ignores word order (a limitation the
 * pitfalls notebook can show).
 *
 * Inputs are exactly those of transformers.js: pixel_values [B, 3, S, S] (CLIP-normalized), input_ids and
 * attention_mask [B, L]. Outputs are the projected embeddings (not normalized), as HF's *WithProjection models.
 *
 * @example
 *   const model = MiniClip.create(defaultMiniClipConfig(), 1);
 *   const img = model.encodeImage(tf.zeros([2, 3, 48, 48]));           // [2, 64]
 *   const txt = model.encodeText([[2, 5, 3]], [[1, 1, 1]]);            // [1, 64]
 */
import { tf } from '../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { CourseError } from '../course/errors';
import { ModelVariables, initialWeightsFor, type Weights } from './variables';
import { matMulLaidOut, oneHotTimes } from '../embeddings/xnnpack';

/** CLIP's image normalization (per RGB channel), as in CLIPImageProcessor. */
export const CLIP_IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_IMAGE_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export type VisionVariant = 'plain' | 'centred' | 'factored';

export interface MiniClipConfig {
  variant: VisionVariant;
  imageSize: number;
  patchSize: number;
  /** Width of each patch's hidden vector. */
  patchHidden: number;
  /** Width of the image MLP's hidden layer. */
  visionHidden: number;
  /** Size of the shape (plain: whole-image) feature vector. */
  shapeFeatures: number;
  /** Colour pathway widths (factored only). */
  colourHidden: number;
  colourFeatures: number;
  /** Foreground mask: clip((saturation − maskThreshold) · maskGain, 0, 1). */
  maskThreshold: number;
  maskGain: number;
  vocabSize: number;
  textHidden: number;
  projectionDim: number;
  /** Initial log logit scale (CLIP: ln(1/0.07)). */
  logitScaleInit: number;
}

export function defaultMiniClipConfig(overrides: Partial<MiniClipConfig> = {}): MiniClipConfig {
  return {
    variant: 'factored',
    imageSize: 48,
    patchSize: 8,
    patchHidden: 32,
    visionHidden: 128,
    shapeFeatures: 64,
    colourHidden: 32,
    colourFeatures: 32,
    maskThreshold: 0.1,
    maskGain: 8,
    vocabSize: 0,
    textHidden: 64,
    projectionDim: 64,
    logitScaleInit: Math.log(1 / 0.07),
    ...overrides,
  };
}

/** Raised for inputs or weights the mini-CLIP cannot use; the message names the input, the cause and the fix. */
export class MiniClipInputError extends CourseError {}

export type { Weights };

/** The weight-free part of the image encoder (`MiniClip.prepareImage`): the patch-MLP's input, and the mean colour. */
export interface PreparedImage {
  patchInput: tfTypes.Tensor4D;
  meanColour?: tfTypes.Tensor2D;
}

/** The parameter shapes of a configuration, by name (the same names are the ONNX initializers). */
export function parameterShapes(c: MiniClipConfig): Record<string, number[]> {
  const channels = c.variant === 'factored' ? 1 : 3;
  const grid = c.imageSize / c.patchSize;
  const shapes: Record<string, number[]> = {
    'vision.patch.weight': [channels * c.patchSize * c.patchSize, c.patchHidden],
    'vision.patch.bias': [c.patchHidden],
    'vision.position': [grid * grid, c.patchHidden],
    'vision.fc1.weight': [grid * grid * c.patchHidden, c.visionHidden],
    'vision.fc1.bias': [c.visionHidden],
    'vision.fc2.weight': [c.visionHidden, c.shapeFeatures],
    'vision.fc2.bias': [c.shapeFeatures],
  };
  if (c.variant === 'factored') {
    shapes['vision.colour1.weight'] = [3, c.colourHidden];
    shapes['vision.colour1.bias'] = [c.colourHidden];
    shapes['vision.colour2.weight'] = [c.colourHidden, c.colourFeatures];
    shapes['vision.colour2.bias'] = [c.colourFeatures];
  }
  shapes['visual_projection.weight'] = [
    c.shapeFeatures + (c.variant === 'factored' ? c.colourFeatures : 0),
    c.projectionDim,
  ];
  shapes['text.token_embedding'] = [c.vocabSize, c.textHidden];
  shapes['text_projection.weight'] = [c.textHidden, c.projectionDim];
  shapes['logit_scale'] = [];
  return shapes;
}

function checkConfig(c: MiniClipConfig): void {
  if (c.imageSize % c.patchSize !== 0)
    throw new MiniClipInputError(
      `config: imageSize ${c.imageSize} is not a multiple of patchSize ${c.patchSize}; pick sizes that tile.`,
    );
  if (!(c.vocabSize > 4))
    throw new MiniClipInputError(
      `config: vocabSize is ${c.vocabSize}; set it to the tokenizer's vocabulary size (MiniClipTokenizer.default().vocabSize).`,
    );
  if (!['plain', 'centred', 'factored'].includes(c.variant))
    throw new MiniClipInputError(`config: variant '${c.variant}' is unknown; use 'plain', 'centred' or 'factored'.`);
}

/** Deterministic initial weights: He-normal for layers followed by ReLU, 1/√fan_in for linear ones, zero biases. */
export function initialWeights(c: MiniClipConfig, seed: number): Weights {
  checkConfig(c);
  return initialWeightsFor(parameterShapes(c), seed, c.logitScaleInit, (name, shape) => {
    if (name.endsWith('.bias')) return 0;
    if (name === 'vision.position') return 0.1;
    if (name === 'text.token_embedding') return 0.5;
    if (name.includes('projection') || name === 'vision.fc2.weight' || name === 'vision.colour2.weight')
      return 1 / Math.sqrt(shape[0]);
    return Math.sqrt(2 / shape[0]);
  });
}

/** The mini-CLIP: TensorFlow.js variables and the two encoders. */
export class MiniClip extends ModelVariables {
  readonly config: MiniClipConfig;

  private constructor(config: MiniClipConfig, weights: Weights) {
    checkConfig(config);
    super(
      parameterShapes(config),
      weights,
      'miniclip',
      (m) => new MiniClipInputError(`${m} (a ${config.variant} mini-CLIP)`),
    );
    this.config = config;
  }

  /** A fresh model, deterministic in `seed`. */
  static create(config: MiniClipConfig, seed: number): MiniClip {
    return new MiniClip(config, initialWeights(config, seed));
  }

  static fromWeights(config: MiniClipConfig, weights: Weights): MiniClip {
    return new MiniClip(config, weights);
  }

  private linear(x: tfTypes.Tensor2D, weight: string, bias?: string): tfTypes.Tensor2D {
    // Gradients as flag-free products (lib/embeddings/xnnpack.ts): XNNPACK on the wasm backend, ~6× the scalar loop.
    const y = matMulLaidOut(x, this.variables[weight] as tfTypes.Tensor2D);
    return bias ? (tf.add(y, this.variables[bias]) as tfTypes.Tensor2D) : y;
  }

  /** The colour-blind foreground mask [B, 1, S, S] and the RGB image in 0..1 [B, 3, S, S]. */
  foreground(pixelValues: tfTypes.Tensor4D): { rgb: tfTypes.Tensor4D; mask: tfTypes.Tensor4D } {
    const c = this.config;
    const mean = tf.tensor4d([...CLIP_IMAGE_MEAN], [1, 3, 1, 1]);
    const std = tf.tensor4d([...CLIP_IMAGE_STD], [1, 3, 1, 1]);
    const rgb = tf.add(tf.mul(pixelValues, std), mean) as tfTypes.Tensor4D;
    const saturation = tf.sub(tf.max(rgb, 1, true), tf.min(rgb, 1, true));
    const mask = tf.clipByValue(tf.mul(tf.sub(saturation, c.maskThreshold), c.maskGain), 0, 1) as tfTypes.Tensor4D;
    return { rgb, mask };
  }

  /** [B, C, S, S] → [B, patches, C·p·p] (patch-major; inside a patch: channel, row, column). */
  patchify(x: tfTypes.Tensor4D): tfTypes.Tensor3D {
    const { patchSize: p, imageSize: s } = this.config;
    const g = s / p;
    const [b, ch] = x.shape;
    const six = tf.reshape(x, [b, ch, g, p, g, p]);
    return tf.reshape(tf.transpose(six, [0, 2, 4, 1, 3, 5]), [b, g * g, ch * p * p]);
  }

  /** The patch-MLP: [B, C, S, S] → [B, shapeFeatures] (also returns the patch hiddens [B, N, patchHidden]). */
  private patchMlp(x: tfTypes.Tensor4D): { features: tfTypes.Tensor2D; hidden: tfTypes.Tensor3D } {
    const c = this.config;
    const patches = this.patchify(x);
    const [b, n, d] = patches.shape;
    const flatPatches = tf.reshape(patches, [b * n, d]) as tfTypes.Tensor2D;
    const projected = tf.reshape(this.linear(flatPatches, 'vision.patch.weight', 'vision.patch.bias'), [
      b,
      n,
      c.patchHidden,
    ]);
    const hidden = tf.relu(tf.add(projected, this.variables['vision.position'])) as tfTypes.Tensor3D;
    const flat = tf.reshape(hidden, [b, n * c.patchHidden]) as tfTypes.Tensor2D;
    const h1 = tf.relu(this.linear(flat, 'vision.fc1.weight', 'vision.fc1.bias')) as tfTypes.Tensor2D;
    return { features: this.linear(h1, 'vision.fc2.weight', 'vision.fc2.bias'), hidden };
  }

  /** Image features before the projection: [B, shapeFeatures (+ colourFeatures)]. */
  imageFeatures(pixelValues: tfTypes.Tensor4D): tfTypes.Tensor2D {
    return this.featuresOf(this.prepareImage(pixelValues));
  }

  /**
   * The part of the image encoder that has no weights: the patch-MLP's input (centred for 'centred' and 'factored')
   * and, for 'factored', the mean colour under the mask. Training computes it outside the gradient tape (it needs
   * no gradient there, and the tape would copy every input it saves); `encodeImage` = `encodePrepared(prepareImage(x))`.
   */
  prepareImage(pixelValues: tfTypes.Tensor4D): PreparedImage {
    const c = this.config;
    if (c.variant === 'plain') return { patchInput: pixelValues };
    const { rgb, mask } = this.foreground(pixelValues);
    if (c.variant === 'centred') return { patchInput: centreOn(pixelValues, mask) };
    const area = tf.sum(mask, [2, 3]); // [B, 1]
    const meanColour = tf.div(tf.sum(tf.mul(mask, rgb), [2, 3]), tf.add(area, 1)) as tfTypes.Tensor2D; // [B, 3]
    return { patchInput: centreOn(mask, mask), meanColour };
  }

  /** Image features from `prepareImage`'s output: [B, shapeFeatures (+ colourFeatures)]. */
  featuresOf(prepared: PreparedImage): tfTypes.Tensor2D {
    const shape = this.patchMlp(prepared.patchInput).features;
    if (!prepared.meanColour) return shape;
    const hc = tf.relu(
      this.linear(prepared.meanColour, 'vision.colour1.weight', 'vision.colour1.bias'),
    ) as tfTypes.Tensor2D;
    const colour = this.linear(hc, 'vision.colour2.weight', 'vision.colour2.bias');
    return tf.concat([shape, colour], 1) as tfTypes.Tensor2D;
  }

  /** Image embeddings from `prepareImage`'s output (the same numbers as `encodeImage` on its pixel values). */
  encodePrepared(prepared: PreparedImage): tfTypes.Tensor2D {
    return tf.tidy(() => this.linear(this.featuresOf(prepared), 'visual_projection.weight'));
  }

  /**
   * Image embeddings [B, projectionDim] (not normalized) from CLIP-normalized pixel_values [B, 3, S, S].
   *
   * @example
   *   model.encodeImage(tf.tensor4d(pixelValues, [1, 3, 48, 48])).shape;   // [1, 64]
   */
  encodeImage(pixelValues: tfTypes.Tensor4D): tfTypes.Tensor2D {
    const { imageSize: s } = this.config;
    if (
      pixelValues.rank !== 4 ||
      pixelValues.shape[1] !== 3 ||
      pixelValues.shape[2] !== s ||
      pixelValues.shape[3] !== s
    ) {
      throw new MiniClipInputError(
        `pixel_values has shape [${pixelValues.shape.join(', ')}]; the mini-CLIP needs [B, 3, ${s}, ${s}] (CLIP-normalized, channels first) — use toPixelValues().`,
      );
    }
    return tf.tidy(() => this.linear(this.imageFeatures(pixelValues), 'visual_projection.weight'));
  }

  /**
   * Text embeddings [B, projectionDim] (not normalized) from token ids and attention mask ([B, L] each).
   *
   * @example
   *   model.encodeText([[2, 40, 7, 3]], [[1, 1, 1, 1]]).shape;   // [1, 64]
   */
  encodeText(inputIds: tfTypes.Tensor2D | number[][], attentionMask: tfTypes.Tensor2D | number[][]): tfTypes.Tensor2D {
    return tf.tidy(() => {
      const ids = Array.isArray(inputIds) ? tf.tensor2d(inputIds, undefined, 'int32') : tf.cast(inputIds, 'int32');
      const mask = Array.isArray(attentionMask)
        ? tf.tensor2d(attentionMask, undefined, 'float32')
        : tf.cast(attentionMask, 'float32');
      const [b, l] = ids.shape;
      if (mask.shape[0] !== b || mask.shape[1] !== l)
        throw new MiniClipInputError(
          `attention_mask is [${mask.shape.join(', ')}] but input_ids is [${b}, ${l}]; they must have the same shape.`,
        );
      const maxId = tf.max(ids).dataSync()[0];
      if (maxId >= this.config.vocabSize || tf.min(ids).dataSync()[0] < 0) {
        throw new MiniClipInputError(
          `input_ids contains id ${maxId}, outside the vocabulary 0..${this.config.vocabSize - 1}; tokenize with the mini-CLIP's own tokenizer.`,
        );
      }
      // The lookup as oneHot · embedding (the ONNX export's arithmetic); its gradient is formed in JS (same bits).
      const flatIds = tf.reshape(ids, [b * l]) as tfTypes.Tensor1D;
      const tokens = tf.reshape(
        oneHotTimes(flatIds, this.config.vocabSize, this.variables['text.token_embedding'] as tfTypes.Tensor2D),
        [b, l, this.config.textHidden],
      );
      const summed = tf.sum(tf.mul(tokens, tf.expandDims(mask, 2)), 1);
      const count = tf.maximum(tf.sum(mask, 1, true), 1);
      const pooled = tf.div(summed, count) as tfTypes.Tensor2D;
      return this.linear(pooled, 'text_projection.weight');
    });
  }
}

/**
 * Shifts each image so that its foreground's centre of mass lands in the middle (a bilinear shift written as two
 * matrix products, so the same arithmetic runs as MatMul in ONNX): out_c = A_y · x_c · A_xᵀ with
 * A[i, j] = relu(1 − |j − i − shift|), the shift computed from `mask`. What moves out of the frame is dropped, what
 * comes in is 0. Translation then no longer has to be learned.
 *
 * @example
 *   centreOn(mask, mask);            // the foreground mask, centred
 *   centreOn(pixelValues, mask);     // the image, shifted the same way
 */
export function centreOn(x: tfTypes.Tensor4D, mask: tfTypes.Tensor4D): tfTypes.Tensor4D {
  return tf.tidy(() => {
    const [b, channels, s] = x.shape;
    const m = tf.reshape(mask, [b, s, s]);
    const coords = tf.range(0, s, 1, 'float32');
    const area = tf.add(tf.sum(m, [1, 2]), CENTRE_EPSILON); // [B]
    const cx = tf.div(tf.sum(tf.mul(m, tf.reshape(coords, [1, 1, s])), [1, 2]), area);
    const cy = tf.div(tf.sum(tf.mul(m, tf.reshape(coords, [1, s, 1])), [1, 2]), area);
    const centre = (s - 1) / 2;
    const jMinusI = tf.sub(tf.reshape(coords, [1, 1, s]), tf.reshape(coords, [1, s, 1])); // [1, S, S]: j − i
    const shiftMatrix = (c: tfTypes.Tensor) => {
      const a = tf.relu(tf.sub(1, tf.abs(tf.sub(jMinusI, tf.reshape(tf.sub(c, centre), [b, 1, 1])))));
      // One shift matrix per image, repeated for each channel (a single-channel mask needs no copy: tfjs-wasm's tile
      // is a slow generic kernel even when every rep is 1).
      if (channels === 1) return tf.reshape(a, [b, s, s]) as tfTypes.Tensor3D;
      return tf.reshape(tf.tile(tf.reshape(a, [b, 1, s, s]), [1, channels, 1, 1]), [
        b * channels,
        s,
        s,
      ]) as tfTypes.Tensor3D;
    };
    const planes = tf.reshape(x, [b * channels, s, s]) as tfTypes.Tensor3D;
    const centred = tf.matMul(tf.matMul(shiftMatrix(cy), planes), shiftMatrix(cx), false, true);
    return tf.reshape(centred, [b, channels, s, s]) as tfTypes.Tensor4D;
  });
}

/** Added to the mask's area before dividing, so an empty mask gives no NaN. */
export const CENTRE_EPSILON = 1e-3;

/**
 * Converts RGB bytes (images one after another, each size×size×3, row-major) to CLIP-normalized pixel_values
 * (channels first), the layout transformers.js's CLIPImageProcessor produces: (v/255 − mean) / std.
 *
 * @example
 *   toPixelValues(pixels, 48, [0, 5]);   // Float32Array(2·3·48·48): images 0 and 5
 */
export function toPixelValues(pixels: Uint8Array, size: number, indices?: readonly number[]): Float32Array {
  const per = size * size * 3;
  const count = indices ? indices.length : pixels.length / per;
  if (!Number.isInteger(count))
    throw new MiniClipInputError(`pixels has ${pixels.length} bytes, not a whole number of ${size}×${size}×3 images.`);
  const out = new Float32Array(count * per);
  const plane = size * size;
  const scale = [0, 1, 2].map((c) => 1 / (255 * CLIP_IMAGE_STD[c]));
  const shift = [0, 1, 2].map((c) => CLIP_IMAGE_MEAN[c] / CLIP_IMAGE_STD[c]);
  for (let k = 0; k < count; k++) {
    const src = (indices ? indices[k] : k) * per;
    if (src + per > pixels.length || src < 0)
      throw new MiniClipInputError(`image index ${indices?.[k]} is outside the ${pixels.length / per} images given.`);
    const dst = k * per;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[dst + c * plane + p] = pixels[src + p * 3 + c] * scale[c] - shift[c];
    }
  }
  return out;
}
