/**
 * The attribute-swap probe: score the same images against prompts that are identical except for ONE attribute word
 * ("a photo of a {} star" with {} = red, green, …) and measure how the scores shift with that word alone.
 *
 * What it can show: on the images you chose, with the template you chose, whether the model prefers some attribute
 * words over others beyond what the images justify (compare with `trueShare`, the attribute's real share among the
 * images). What it cannot show: that a model is fair (another template, other images or other words may shift
 * differently), why the shift exists, or how a downstream decision will use the scores.
 *
 * Works with anything that embeds texts and images: a `Clip` from lib/clip (pretrained CLIP or the mini-CLIP) or
 * a TensorFlow.js mini-CLIP through `miniClipEmbedder`.
 *
 * @example
 *   const probe = await attributeSwapProbe(clip, {
 *     images: starPngs, truth: starColours, template: 'a photo of a {} star', attributes: ['red', 'yellow', 'blue'],
 *   });
 *   probe.rows[1];   // { attribute: 'yellow', trueShare: 0.33, topShare: 0.33, meanProbability: 0.34, meanCosine: 0.41 }
 *   probe.maxShareGap;   // 0.0 when every attribute is predicted as often as it is true
 */
import { tf } from '../course/backend';
import type { ImageSource, PreprocessorConfig } from '../image/preprocess';
import { preprocessImages } from '../image/preprocess';
import { similarityMatrix, softmax, type Matrix } from '../embeddings/similarity';
import type { MiniClip } from '../mini-clip/model';
import type { MiniClipTokenizer } from '../mini-clip/tokenizer';
import { miniClipPreprocessorConfig } from '../mini-clip/export';
import { CourseError } from '../course/errors';

/** What a probe needs from a model: embeddings of texts and images (L2-normalized rows) and its logit scale. */
export interface Embedder {
  embedTexts(texts: string[]): Promise<Matrix>;
  embedImages(images: ImageSource[]): Promise<Matrix>;
  readonly logitScale: number;
}

/** Raised for probe inputs that cannot give a meaningful measurement; the message names the input, cause and fix. */
export class ProbeInputError extends CourseError {}

/**
 * An `Embedder` over a TensorFlow.js mini-CLIP (e.g. one trained in a notebook), preprocessing images exactly as
 * transformers.js does for the exported model (lib/image with the mini-CLIP's preprocessor config).
 *
 * @example
 *   const embedder = miniClipEmbedder(run.model, run.tokenizer);
 *   (await embedder.embedTexts(['a red star'])).cols;   // 64
 */
export function miniClipEmbedder(model: MiniClip, tokenizer: MiniClipTokenizer): Embedder {
  const config = miniClipPreprocessorConfig(model.config) as unknown as PreprocessorConfig;
  const rows = (t: { shape: number[]; dataSync(): unknown }): Matrix => ({
    rows: t.shape[0],
    cols: t.shape[1],
    data: Float32Array.from(t.dataSync() as Float32Array),
  });
  return {
    logitScale: Math.exp(Math.min(model.logitScale.dataSync()[0], Math.log(100))),
    async embedTexts(texts: string[]) {
      const { inputIds, attentionMask } = tokenizer.batch(texts);
      const e = tf.tidy(() => {
        const raw = model.encodeText(inputIds, attentionMask);
        return tf.div(raw, tf.norm(raw, 'euclidean', 1, true));
      });
      const m = rows(e);
      e.dispose();
      return m;
    },
    async embedImages(images: ImageSource[]) {
      const { data, dims } = await preprocessImages(images, config);
      const e = tf.tidy(() => {
        const raw = model.encodeImage(tf.tensor4d(data, dims));
        return tf.div(raw, tf.norm(raw, 'euclidean', 1, true));
      });
      const m = rows(e);
      e.dispose();
      return m;
    },
  };
}

export interface AttributeSwapOptions {
  images: ImageSource[];
  /** The true attribute of each image (one of `attributes`), to compare the model's preferences with reality. */
  truth: string[];
  /** A prompt with one `{}` where the attribute word goes, e.g. 'a photo of a {} star'. */
  template: string;
  attributes: string[];
}

export interface AttributeSwapRow {
  attribute: string;
  /** The prompt with this attribute. */
  prompt: string;
  /** Share of the images whose true attribute this is. */
  trueShare: number;
  /** Share of the images for which this prompt scores highest. */
  topShare: number;
  /** Mean softmax probability of this prompt (softmax over the attribute prompts, per image). */
  meanProbability: number;
  /** Mean cosine between the images and this prompt. */
  meanCosine: number;
}

export interface AttributeSwapResult {
  rows: AttributeSwapRow[];
  /** Per image, per attribute: the softmax probability. */
  probabilities: number[][];
  /** Fraction of images whose top prompt carries their true attribute. */
  accuracy: number;
  /** The largest |topShare − trueShare| over the attributes: 0 means predicted as often as true. */
  maxShareGap: number;
  /** The attribute with the largest topShare − trueShare (the one the model over-predicts most). */
  mostOverPredicted: string;
  /** The spread of mean cosines across attribute words (max − min): how much one word moves the score. */
  cosineSpread: number;
}

/**
 * Runs the attribute-swap probe. Throws `ProbeInputError` for a template without `{}`, fewer than two
 * attributes, or a truth list that does not match the images.
 */
export async function attributeSwapProbe(
  embedder: Embedder,
  options: AttributeSwapOptions,
): Promise<AttributeSwapResult> {
  const { images, truth, template, attributes } = options;
  if (!template.includes('{}'))
    throw new ProbeInputError(
      `template "${template}" has no {}; put {} where the attribute word goes, e.g. 'a photo of a {} star'.`,
    );
  if (attributes.length < 2)
    throw new ProbeInputError(
      `attributes has ${attributes.length} word(s); a swap needs at least two to compare (e.g. ['red', 'yellow']).`,
    );
  if (new Set(attributes).size !== attributes.length)
    throw new ProbeInputError(`attributes contains duplicates (${attributes.join(', ')}); give each word once.`);
  if (images.length === 0)
    throw new ProbeInputError('images is empty; pass the images to probe (ideally balanced across the attributes).');
  if (truth.length !== images.length)
    throw new ProbeInputError(
      `truth has ${truth.length} entries for ${images.length} images; give one true attribute per image.`,
    );
  const unknown = truth.find((t) => !attributes.includes(t));
  if (unknown !== undefined)
    throw new ProbeInputError(
      `truth contains "${unknown}", which is not among the attributes (${attributes.join(', ')}); add it or fix the truth list.`,
    );

  const prompts = attributes.map((a) => template.replace('{}', a));
  const [imageEmb, textEmb] = [await embedder.embedImages(images), await embedder.embedTexts(prompts)];
  const cos = similarityMatrix(imageEmb, textEmb);
  const k = attributes.length;
  const n = images.length;
  const probabilities: number[][] = [];
  const top = new Array<number>(k).fill(0);
  const probSum = new Array<number>(k).fill(0);
  const cosSum = new Array<number>(k).fill(0);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = cos.data.subarray(i * k, (i + 1) * k);
    const p = Array.from(softmax(row, embedder.logitScale));
    probabilities.push(p);
    let best = 0;
    for (let j = 0; j < k; j++) {
      if (row[j] > row[best]) best = j;
      probSum[j] += p[j];
      cosSum[j] += row[j];
    }
    top[best]++;
    if (attributes[best] === truth[i]) correct++;
  }
  const rows = attributes.map((attribute, j) => ({
    attribute,
    prompt: prompts[j],
    trueShare: truth.filter((t) => t === attribute).length / n,
    topShare: top[j] / n,
    meanProbability: probSum[j] / n,
    meanCosine: cosSum[j] / n,
  }));
  const gaps = rows.map((r) => r.topShare - r.trueShare);
  const most = gaps.indexOf(Math.max(...gaps));
  const cosines = rows.map((r) => r.meanCosine);
  return {
    rows,
    probabilities,
    accuracy: correct / n,
    maxShareGap: Math.max(...gaps.map(Math.abs)),
    mostOverPredicted: attributes[most],
    cosineSpread: Math.max(...cosines) - Math.min(...cosines),
  };
}

/**
 * The probe's rows as an aligned text table (for notebooks).
 *
 * @example
 *   console.log(formatProbeTable(result));
 *   // attribute  true share  top-1 share  mean P   mean cos
 *   // red             16.7%        16.7%   0.161     0.412 …
 */
export function formatProbeTable(result: AttributeSwapResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(11);
  const lines = ['attribute   true share  top-1 share   mean P  mean cos'];
  for (const r of result.rows) {
    lines.push(
      `${r.attribute.padEnd(10)} ${pct(r.trueShare)}  ${pct(r.topShare)}  ${r.meanProbability.toFixed(3).padStart(7)}  ${r.meanCosine.toFixed(3).padStart(8)}`,
    );
  }
  return lines.join('\n');
}
