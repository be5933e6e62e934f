/**
 * The emoji-CLIP in TensorFlow.js: a small hierarchical patch network for images and a bag-of-words MLP for
 * text, each projected into one shared space, plus CLIP's learnable logit scale.
 *
 * Image encoder (every layer is a matrix product, which the wasm backend trains fast):
 *   pixel_values [B, 3, 48, 48] → 4×4 patches (144 tokens × 48) → linear + position → ReLU     (stage 1, c1)
 *   → merge 2×2 neighbours (36 tokens × 4·c1) → linear → ReLU                                    (stage 2, c2)
 *   → merge 2×2 neighbours (9 tokens × 4·c2) → linear → ReLU                                     (stage 3, c3)
 *   → [flatten stage 3, mean of stage 1, mean of stage 2] → linear → ReLU → visual projection
 * (the stage means are a colour/texture summary of the whole icon, wherever it sits).
 * Text encoder: token embeddings averaged over the real tokens (a bag of words) → MLP with a linear skip → text projection.
 *
 * Training layout: tfjs-wasm runs matMul through XNNPACK only for plain 2-D products without transpose flags, and
 * tfjs's own matMul gradient uses those flags; `linear` therefore has its own gradient with explicit transposes.
 * Training goes further (`encodePatches`, `ConstantInput`): the pixels' patch rows and the captions' bag of words
 * come with their transposes made in JS, so no product needs a transpose and no gradient is computed for the
 * inputs; biases are added by `addBias`, whose gradient is a product too.
 *
 * @example
 *   const model = EmojiClip.create(defaultEmojiClipConfig({ vocabSize: emojiTokenizer().vocabSize }), 1);
 *   model.encodeImage(tf.zeros([2, 3, 48, 48])).shape;   // [2, 128]
 *   model.encodeText([[2, 40, 3]], [[1, 1, 1]]).shape;   // [1, 128]
 */
import { tf } from '../../course/backend';
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelVariables, initialWeightsFor, type Weights } from '../../mini-clip/variables';
import { EmojiWorldError } from './errors';

export interface EmojiClipConfig {
  imageSize: number;
  patchSize: number;
  c1: number;
  c2: number;
  c3: number;
  visionHidden: number;
  vocabSize: number;
  textEmbed: number;
  textHidden: number;
  projectionDim: number;
  logitScaleInit: number;
}

export function defaultEmojiClipConfig(overrides: Partial<EmojiClipConfig> = {}): EmojiClipConfig {
  return {
    imageSize: 48,
    patchSize: 4,
    c1: 48,
    c2: 96,
    c3: 192,
    visionHidden: 384,
    vocabSize: 0,
    textEmbed: 128,
    textHidden: 256,
    projectionDim: 128,
    logitScaleInit: Math.log(1 / 0.07),
    ...overrides,
  };
}

export type { Weights };

/** Token grid sides per stage: [48/4 = 12, 6, 3]. */
export function grids(c: EmojiClipConfig): [number, number, number] {
  const g = c.imageSize / c.patchSize;
  return [g, g / 2, g / 4];
}

/** Parameter shapes by name (the same names are the ONNX initializers). */
export function emojiClipParameterShapes(c: EmojiClipConfig): Record<string, number[]> {
  const [g1, , g3] = grids(c);
  return {
    'vision.stem.weight': [3 * c.patchSize * c.patchSize, c.c1],
    'vision.stem.bias': [c.c1],
    'vision.position': [g1 * g1, c.c1],
    'vision.merge1.weight': [4 * c.c1, c.c2],
    'vision.merge1.bias': [c.c2],
    'vision.merge2.weight': [4 * c.c2, c.c3],
    'vision.merge2.bias': [c.c3],
    'vision.head.weight': [g3 * g3 * c.c3 + c.c1 + c.c2, c.visionHidden],
    'vision.head.bias': [c.visionHidden],
    'visual_projection.weight': [c.visionHidden, c.projectionDim],
    'text.token_embedding': [c.vocabSize, c.textEmbed],
    'text.fc.weight': [c.textEmbed, c.textHidden],
    'text.fc.bias': [c.textHidden],
    'text_projection.weight': [c.textHidden, c.projectionDim],
    'text.skip.weight': [c.textEmbed, c.projectionDim],
    logit_scale: [],
  };
}

function checkConfig(c: EmojiClipConfig): void {
  if (c.imageSize % (4 * c.patchSize) !== 0)
    throw new EmojiWorldError(
      `config: imageSize ${c.imageSize} is not a multiple of 4 · patchSize (${4 * c.patchSize}).`,
      { fix: 'Use e.g. imageSize 48 with patchSize 4.' },
    );
  if (!(c.vocabSize > 5))
    throw new EmojiWorldError(`config: vocabSize is ${c.vocabSize}.`, {
      fix: "Set it to the tokenizer's vocabulary size (emojiTokenizer().vocabSize).",
    });
}

/** Deterministic initial weights (He-normal before ReLU, 1/√fan_in for linear layers, zero biases). */
export function initialEmojiClipWeights(c: EmojiClipConfig, seed: number): Weights {
  checkConfig(c);
  return initialWeightsFor(emojiClipParameterShapes(c), seed, c.logitScaleInit, (name, shape) => {
    if (name.endsWith('.bias')) return 0;
    if (name === 'vision.position') return 0.1;
    if (name === 'text.token_embedding') return 1;
    if (name.includes('projection') || name === 'text.skip.weight') return 1 / Math.sqrt(shape[0]);
    return Math.sqrt(2 / shape[0]);
  });
}

/**
 * x · w for 2-D x and w, with a gradient that only uses untransposed 2-D products (fast on tfjs-wasm).
 *
 * @example
 *   matMulFast(tf.ones([2, 3]), tf.ones([3, 4])).shape;   // [2, 4]
 */
export const matMulFast = tf.customGrad(((...args: unknown[]) => {
  const [x, w, save] = args as [tfTypes.Tensor2D, tfTypes.Tensor2D, tfTypes.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [
      tf.matMul(dy as tfTypes.Tensor2D, tf.transpose(saved[1] as tfTypes.Tensor2D)),
      tf.matMul(tf.transpose(saved[0] as tfTypes.Tensor2D), dy as tfTypes.Tensor2D),
    ],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tfTypes.Tensor2D, w: tfTypes.Tensor2D) => tfTypes.Tensor2D;

/**
 * A training input that needs no gradient (the pixels' patch rows, the captions' bag of words), with its transpose
 * made in plain JS: the weight gradient xᵀ · dy then needs no transpose on tfjs-wasm, and the input's own gradient
 * is not computed.
 */
export interface ConstantInput {
  x: tfTypes.Tensor2D;
  xT: tfTypes.Tensor2D;
}

/**
 * A constant input from row-major data [rows, cols].
 *
 * @example
 *   constantInput(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3).xT.arraySync();   // [[1, 4], [2, 5], [3, 6]]
 */
export function constantInput(data: Float32Array, rows: number, cols: number): ConstantInput {
  const t = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
  return { x: tf.tensor2d(data, [rows, cols]), xT: tf.tensor2d(t, [cols, rows]) };
}

/**
 * x · w where only w needs a gradient: w is the custom gradient's one input, so tfjs forms no gradient for x, and
 * dw = xᵀ · dy uses the transpose made in JS. (lib/embeddings/xnnpack's matMulConstantInput transposes x on the
 * backend and sums in tfjs-wasm's slow-path order, which the mini-CLIP needs for its bits; this model does not.)
 */
function matMulConstantInput(x: tfTypes.Tensor2D, xT: tfTypes.Tensor2D, w: tfTypes.Tensor2D): tfTypes.Tensor2D {
  const f = tf.customGrad(((...args: unknown[]) => {
    const [b, save] = args as [tfTypes.Tensor2D, tfTypes.GradSaveFunc];
    save([xT]); // kept for the gradient (an enclosing tidy would dispose it otherwise)
    return {
      value: tf.matMul(x, b),
      gradFunc: (dy: tfTypes.Tensor, saved: tfTypes.Tensor[]) => [
        tf.matMul(saved[0] as tfTypes.Tensor2D, dy as tfTypes.Tensor2D),
      ],
    };
  }) as Parameters<typeof tf.customGrad>[0]) as unknown as (w: tfTypes.Tensor2D) => tfTypes.Tensor2D;
  return f(w);
}

const isConstant = (x: tfTypes.Tensor2D | ConstantInput): x is ConstantInput => 'xT' in x;

/**
 * x + bias (x [n, c], bias [c]) whose bias gradient is the product ones[1, n] · dy (an XNNPACK matMul on tfjs-wasm)
 * instead of a column sum, which tfjs-wasm computes through a transpose (measured on the stem's 18,432 × 48: 5.8 ms
 * for the sum, 0.17 ms for the product).
 *
 * @example
 *   addBias(tf.zeros([2, 3]), tf.tensor1d([1, 2, 3])).arraySync();   // [[1, 2, 3], [1, 2, 3]]
 */
export const addBias = tf.customGrad(((...args: unknown[]) => {
  const [x, bias, save] = args as [tfTypes.Tensor2D, tfTypes.Tensor1D, tfTypes.GradSaveFunc];
  save([]);
  const n = x.shape[0];
  return {
    value: tf.add(x, bias),
    gradFunc: (dy: tfTypes.Tensor) => [
      tf.clone(dy),
      tf.reshape(tf.matMul(tf.ones([1, n]), dy as tfTypes.Tensor2D), bias.shape),
    ],
  };
}) as Parameters<typeof tf.customGrad>[0]) as unknown as (
  x: tfTypes.Tensor2D,
  bias: tfTypes.Tensor1D,
) => tfTypes.Tensor2D;

/**
 * pixel_values [B, 3, S, S] (flat, CLIP-normalized, channels first) → patch rows [B · (S/p)², 3 · p · p] in the
 * order the image encoder reads them (row (b, gy, gx), column (channel, py, px)) — the same reshuffle as
 * `imageFeatures`'s first transpose, done in plain JS for training batches (tfjs-wasm's 6-D transpose took a fifth
 * of a training step).
 *
 * @example
 *   patchRows(new Float32Array(3 * 48 * 48), 1, 48, 4).length;   // 144 · 48
 */
export function patchRows(pixelValues: Float32Array, b: number, size: number, patch: number): Float32Array {
  const g = size / patch;
  const plane = size * size;
  const out = new Float32Array(pixelValues.length);
  let o = 0;
  for (let i = 0; i < b; i++) {
    const base = i * 3 * plane;
    for (let gy = 0; gy < g; gy++)
      for (let gx = 0; gx < g; gx++)
        for (let c = 0; c < 3; c++)
          for (let py = 0; py < patch; py++) {
            const row = base + c * plane + (gy * patch + py) * size + gx * patch;
            for (let px = 0; px < patch; px++) out[o++] = pixelValues[row + px];
          }
  }
  return out;
}

export class EmojiClip extends ModelVariables {
  readonly config: EmojiClipConfig;

  private constructor(config: EmojiClipConfig, weights: Weights) {
    checkConfig(config);
    super(emojiClipParameterShapes(config), weights, 'emojiclip', (m) => new EmojiWorldError(m));
    this.config = config;
  }

  static create(config: EmojiClipConfig, seed: number): EmojiClip {
    return new EmojiClip(config, initialEmojiClipWeights(config, seed));
  }

  static fromWeights(config: EmojiClipConfig, weights: Weights): EmojiClip {
    return new EmojiClip(config, weights);
  }

  private linear(x: tfTypes.Tensor2D | ConstantInput, weight: string, bias?: string): tfTypes.Tensor2D {
    const w = this.variables[weight] as tfTypes.Tensor2D;
    const y = isConstant(x) ? matMulConstantInput(x.x, x.xT, w) : matMulFast(x, w);
    return bias ? addBias(y, this.variables[bias] as tfTypes.Tensor1D) : y;
  }

  /** Rows (b, y, x) of a g×g token grid with c channels → rows of the g/2 grid with 4c channels (2×2 neighbours). */
  private merge(tokens: tfTypes.Tensor2D, b: number, g: number, c: number): tfTypes.Tensor2D {
    const six = tf.reshape(tokens, [b, g / 2, 2, g / 2, 2, c]);
    return tf.reshape(tf.transpose(six, [0, 1, 3, 2, 4, 5]), [b * (g / 2) * (g / 2), 4 * c]) as tfTypes.Tensor2D;
  }

  /** Image features before the projection [B, visionHidden]. */
  imageFeatures(pixelValues: tfTypes.Tensor4D): tfTypes.Tensor2D {
    const [g1] = grids(this.config);
    const p = this.config.patchSize;
    const b = pixelValues.shape[0];
    const six = tf.reshape(pixelValues, [b, 3, g1, p, g1, p]);
    const patches = tf.reshape(tf.transpose(six, [0, 2, 4, 1, 3, 5]), [b * g1 * g1, 3 * p * p]) as tfTypes.Tensor2D;
    return this.patchFeatures(patches, b);
  }

  /** Image features [B, visionHidden] from patch rows [B · g², 3 · p · p] (see `patchRows`). */
  patchFeatures(patches: tfTypes.Tensor2D | ConstantInput, b: number): tfTypes.Tensor2D {
    const c = this.config;
    const [g1, g2, g3] = grids(c);
    const stem = tf.reshape(this.linear(patches, 'vision.stem.weight', 'vision.stem.bias'), [b, g1 * g1 * c.c1]);
    const position = tf.reshape(this.variables['vision.position'], [g1 * g1 * c.c1]) as tfTypes.Tensor1D;
    const h1 = tf.reshape(tf.relu(addBias(stem as tfTypes.Tensor2D, position)), [b, g1 * g1, c.c1]) as tfTypes.Tensor3D;
    const h2 = tf.relu(
      this.linear(
        this.merge(tf.reshape(h1, [b * g1 * g1, c.c1]) as tfTypes.Tensor2D, b, g1, c.c1),
        'vision.merge1.weight',
        'vision.merge1.bias',
      ),
    ) as tfTypes.Tensor2D;
    const h3 = tf.relu(
      this.linear(this.merge(h2, b, g2, c.c2), 'vision.merge2.weight', 'vision.merge2.bias'),
    ) as tfTypes.Tensor2D;
    const flat = tf.concat(
      [tf.reshape(h3, [b, g3 * g3 * c.c3]), tf.mean(h1, 1), tf.mean(tf.reshape(h2, [b, g2 * g2, c.c2]), 1)],
      1,
    ) as tfTypes.Tensor2D;
    return tf.relu(this.linear(flat, 'vision.head.weight', 'vision.head.bias')) as tfTypes.Tensor2D;
  }

  /**
   * Image embeddings [B, projectionDim] (not normalized) from CLIP-normalized pixel_values [B, 3, S, S].
   *
   * @example
   *   model.encodeImage(tf.zeros([1, 3, 48, 48])).shape;   // [1, 128]
   */
  encodeImage(pixelValues: tfTypes.Tensor4D): tfTypes.Tensor2D {
    const s = this.config.imageSize;
    if (
      pixelValues.rank !== 4 ||
      pixelValues.shape[1] !== 3 ||
      pixelValues.shape[2] !== s ||
      pixelValues.shape[3] !== s
    ) {
      throw new EmojiWorldError(
        `pixel_values has shape [${pixelValues.shape.join(', ')}]; the emoji-CLIP needs [B, 3, ${s}, ${s}].`,
        { fix: 'Convert RGB pixels with toPixelValues() (CLIP-normalized, channels first).' },
      );
    }
    return tf.tidy(() => this.linear(this.imageFeatures(pixelValues), 'visual_projection.weight'));
  }

  /** Image embeddings [B, projectionDim] (not normalized) from patch rows (training's layout, see `patchRows`). */
  encodePatches(patches: ConstantInput, b: number): tfTypes.Tensor2D {
    const [g1] = grids(this.config);
    const p = this.config.patchSize;
    const shape = patches.x.shape;
    if (shape[0] !== b * g1 * g1 || shape[1] !== 3 * p * p)
      throw new EmojiWorldError(
        `patches has shape [${shape.join(', ')}]; ${b} images need [${b * g1 * g1}, ${3 * p * p}].`,
        { fix: 'Build them with constantInput(patchRows(pixelValues, b, imageSize, patchSize), b · g², 3 · p · p).' },
      );
    return tf.tidy(() => this.linear(this.patchFeatures(patches, b), 'visual_projection.weight'));
  }

  /** Text embeddings from bag-of-words weights [B, vocab] (row b: count of each token / number of real tokens). */
  encodeBagOfWords(bow: tfTypes.Tensor2D | ConstantInput): tfTypes.Tensor2D {
    return tf.tidy(() => {
      const pooled = this.linear(bow, 'text.token_embedding');
      const hidden = tf.relu(this.linear(pooled, 'text.fc.weight', 'text.fc.bias')) as tfTypes.Tensor2D;
      return tf.add(
        this.linear(hidden, 'text_projection.weight'),
        this.linear(pooled, 'text.skip.weight'),
      ) as tfTypes.Tensor2D;
    });
  }

  /**
   * Text embeddings [B, projectionDim] (not normalized) from token ids and attention mask ([B, L] each), as the
   * ONNX text model computes them.
   *
   * @example
   *   model.encodeText([[2, 40, 3]], [[1, 1, 1]]).shape;   // [1, 128]
   */
  encodeText(inputIds: number[][], attentionMask: number[][]): tfTypes.Tensor2D {
    return tf.tidy(() =>
      this.encodeBagOfWords(
        tf.tensor2d(bagOfWords(inputIds, attentionMask, this.config.vocabSize), [
          inputIds.length,
          this.config.vocabSize,
        ]),
      ),
    );
  }
}

/**
 * Bag-of-words weights [B · vocab] (row-major): each real token adds 1 / (number of real tokens) to its column.
 *
 * @example
 *   bagOfWords([[2, 7, 3, 0]], [[1, 1, 1, 0]], 8);   // Float32Array [0, 0, 0.333, 0.333, 0, 0, 0, 0.333] (rounded)
 */
export function bagOfWords(inputIds: number[][], attentionMask: number[][], vocabSize: number): Float32Array {
  const out = new Float32Array(inputIds.length * vocabSize);
  inputIds.forEach((row, b) => {
    const n = Math.max(
      1,
      attentionMask[b].reduce((a, m) => a + m, 0),
    );
    row.forEach((id, i) => {
      if (!attentionMask[b][i]) return;
      if (!(id >= 0 && id < vocabSize))
        throw new EmojiWorldError(`input_ids holds ${id}, outside the vocabulary 0..${vocabSize - 1}.`, {
          fix: "Tokenize with the emoji-CLIP's own tokenizer.",
        });
      out[b * vocabSize + id] += 1 / n;
    });
  });
  return out;
}
