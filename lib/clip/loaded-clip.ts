/**
 * `LoadedClip`: the `Clip` that `loadClip` returns — tokenization, image preprocessing through lib/image,
 * batched embeddings, prompt ensembling, zero-shot as softmax(logitScale · cosine), and `dispose()`, after
 * which every method throws `ClipDisposedError` instead of onnxruntime's "Session already disposed".
 *
 * @example
 *   const clip = await loadClip();
 *   await clip.dispose();
 *   await clip.zeroShot(['assets/images/chelsea.png'], ['a cat', 'a dog']);
 *   // ClipDisposedError: clip.zeroShot() was called on Xenova/clip-vit-base-patch32 after clip.dispose(): its ONNX sessions are freed.
 *   //   Fix: load the model again (const clip = await loadClip(…)), and call dispose() only when you are done with it.
 */
import { Tensor } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { l2Normalize, similarityMatrix, softmax, type Matrix } from '../embeddings/similarity';
import { ImageInputError, preprocessImages, type ImageSource, type PreprocessorConfig } from '../image/preprocess';
import { describeValue } from '../image/options';
import { ClipDisposedError, ClipLabelError } from './errors';
import { checkLabels, checkTemplates, encodeTruncated, promptsFor } from './labels';
import type { ClipDtype, ClipSource } from './resolve';
import type { Clip, ClipDevice, LabelScore, LogitScaleSource, ZeroShotOptions } from './types';

function sessionInputNames(model: PreTrainedModel): string[] {
  const sessions = (model as unknown as { sessions?: Record<string, { inputNames?: string[] }> }).sessions;
  return sessions?.model?.inputNames ?? ['input_ids', 'attention_mask'];
}

/** Checks `zeroShot` / `embedLabels` options: an object (or nothing) whose only key is `templates`. */
export function checkZeroShotOptions(options: unknown): ZeroShotOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ClipLabelError(`zeroShot's options = ${describeValue(options)} is not an options object.`, {
      fix: "pass e.g. { templates: ['a photo of a {}'] }, or leave it out.",
    });
  }
  const unknown = Object.keys(options).filter((k) => k !== 'templates');
  if (unknown.length) {
    throw new ClipLabelError(
      `zeroShot's options have ${unknown.map((k) => `"${k}"`).join(', ')}, which zeroShot does not take (its one option is templates).`,
      {
        fix: 'drop it; loading options such as imageBatchSize go to loadClip.',
      },
    );
  }
  return options as ZeroShotOptions;
}

/** Everything `LoadedClip` is made of, as `loadClip` assembles it. */
export interface ClipParts {
  source: ClipSource;
  pretrained: boolean;
  dtype: ClipDtype;
  device: ClipDevice;
  tokenizer: PreTrainedTokenizer;
  textModel: PreTrainedModel;
  visionModel: PreTrainedModel;
  preprocessorConfig: PreprocessorConfig;
  maxTextTokens: number;
  embeddingDim: number;
  imageBatchSize: number;
  textBatchSize: number;
  warn: (message: string) => void;
  cacheTexts: boolean;
}

/** Most prompts whose embeddings one model keeps (a notebook's labels and templates fit many times over). */
const TEXT_CACHE_LIMIT = 10_000;

export class LoadedClip implements Clip {
  readonly modelId: string;
  readonly source: ClipSource;
  readonly pretrained: boolean;
  readonly dtype: ClipDtype;
  readonly device: ClipDevice;
  readonly tokenizer: PreTrainedTokenizer;
  readonly textModel: PreTrainedModel;
  readonly visionModel: PreTrainedModel;
  readonly preprocessorConfig: PreprocessorConfig;
  readonly maxTextTokens: number;
  readonly embeddingDim: number;
  /** Set by `loadClip` once it knows where the scale comes from. */
  logitScale = 100;
  logitScaleSource: LogitScaleSource = 'clip-default';
  private readonly parts: ClipParts;
  private readonly textCache = new Map<string, Float32Array>();
  private readonly textInputNames: string[];
  private readonly padTokenId: number;

  constructor(parts: ClipParts) {
    this.parts = parts;
    this.source = parts.source;
    this.modelId = parts.source.modelId;
    this.pretrained = parts.pretrained;
    this.dtype = parts.dtype;
    this.device = parts.device;
    this.tokenizer = parts.tokenizer;
    this.textModel = parts.textModel;
    this.visionModel = parts.visionModel;
    this.preprocessorConfig = parts.preprocessorConfig;
    this.maxTextTokens = parts.maxTextTokens;
    this.embeddingDim = parts.embeddingDim;
    this.textInputNames = sessionInputNames(parts.textModel);
    const special = parts.tokenizer.all_special_ids;
    this.padTokenId = parts.tokenizer.pad_token_id ?? special[special.length - 1] ?? 0;
  }

  private isDisposed = false;

  /** True once `dispose()` was called. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Throws `ClipDisposedError` when the sessions are freed; `cause` is the error a call in flight got. */
  private assertLive(method: string, cause?: unknown): void {
    if (!this.isDisposed) return;
    throw new ClipDisposedError(
      `clip.${method}() was called on ${this.modelId} after clip.dispose(): its ONNX sessions are freed.`,
      {
        fix: 'load the model again (const clip = await loadClip(…)), and call dispose() only when you are done with it.',
        ...(cause === undefined ? {} : { cause }),
      },
    );
  }

  /** Runs a public method's body; an error caused by a dispose() during the call becomes ClipDisposedError. */
  private async guarded<T>(method: string, body: () => Promise<T>): Promise<T> {
    this.assertLive(method);
    try {
      return await body();
    } catch (err) {
      this.assertLive(method, err);
      throw err;
    }
  }

  private warn(message: string): void {
    this.parts.warn(message);
  }

  /** Token ids of each text, padded to the longest, as the text model's inputs. */
  textInputs(texts: string[]): Record<string, Tensor> {
    this.assertLive('textInputs');
    const encoded = texts.map((text) => {
      const r = encodeTruncated(this.tokenizer, text, this.maxTextTokens);
      if (r.truncated) {
        this.warn(
          `clip: the prompt ${JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text)} has ${r.originalLength} tokens; ` +
            `${this.modelId} reads at most ${this.maxTextTokens}, so it was truncated (the text after token ${this.maxTextTokens - 2} is ignored). Shorten the prompt to keep all of it.`,
        );
      }
      return r.ids;
    });
    const length = Math.max(...encoded.map((ids) => ids.length));
    const ids = new BigInt64Array(texts.length * length).fill(BigInt(this.padTokenId));
    const mask = new BigInt64Array(texts.length * length);
    encoded.forEach((row, i) => {
      row.forEach((id, j) => {
        ids[i * length + j] = BigInt(id);
        mask[i * length + j] = 1n;
      });
    });
    const all: Record<string, Tensor> = {
      input_ids: new Tensor('int64', ids, [texts.length, length]),
      attention_mask: new Tensor('int64', mask, [texts.length, length]),
      token_type_ids: new Tensor('int64', new BigInt64Array(texts.length * length), [texts.length, length]),
    };
    const inputs: Record<string, Tensor> = {};
    for (const name of this.textInputNames) if (all[name]) inputs[name] = all[name];
    return inputs;
  }

  /** The images as one [n, 3, H, W] float32 tensor, preprocessed by lib/image like the Python reference. */
  async pixelValues(sources: ImageSource[]): Promise<Tensor> {
    this.assertLive('pixelValues');
    const { data, dims } = await preprocessImages(sources, this.preprocessorConfig);
    return new Tensor('float32', data, dims);
  }

  async embedImages(sources: ImageSource[]): Promise<Matrix> {
    return this.guarded('embedImages', () => this.embedImagesImpl(sources));
  }

  private async embedImagesImpl(sources: ImageSource[]): Promise<Matrix> {
    if (!Array.isArray(sources)) {
      throw new ImageInputError(
        '<images>',
        'bad-source',
        `images must be an array, got ${describeValue(sources)}`,
        'Wrap a single image in an array, e.g. [path].',
      );
    }
    if (sources.length === 0) {
      throw new ImageInputError(
        '<images>',
        'bad-source',
        'no images were given to embed',
        'Pass an array with at least one image path, URL or Buffer.',
      );
    }
    const out = new Float32Array(sources.length * this.embeddingDim);
    const size = this.parts.imageBatchSize;
    // Decoding (sharp's thread pool) of the next batch overlaps with the model (onnxruntime) on this one.
    const prefetch = (start: number) => {
      const p = this.pixelValues(sources.slice(start, start + size));
      p.catch(() => undefined); // handled when awaited below; this only keeps Node from calling it unhandled meanwhile
      return p;
    };
    let next = prefetch(0);
    for (let start = 0; start < sources.length; start += size) {
      const pixel_values = await next;
      if (start + size < sources.length) next = prefetch(start + size);
      this.assertLive('embedImages'); // a dispose() during decoding: stop before touching the freed session
      const { image_embeds } = await this.visionModel({ pixel_values });
      out.set(image_embeds.data as Float32Array, start * this.embeddingDim);
      pixel_values.dispose();
    }
    return l2Normalize({ rows: sources.length, cols: this.embeddingDim, data: out }, 'image embeddings');
  }

  async embedTexts(texts: string[]): Promise<Matrix> {
    return this.guarded('embedTexts', () => this.embedTextsImpl(texts));
  }

  private async embedTextsImpl(texts: string[]): Promise<Matrix> {
    checkLabels(texts, 'texts', { allowDuplicates: true });
    if (!this.parts.cacheTexts || this.textCache.size > TEXT_CACHE_LIMIT) this.textCache.clear();
    const missing = [...new Set(texts.filter((t) => !this.textCache.has(t)))];
    const size = this.parts.textBatchSize;
    for (let start = 0; start < missing.length; start += size) {
      const batch = missing.slice(start, start + size);
      const { text_embeds } = await this.textModel(this.textInputs(batch));
      const rows = l2Normalize(
        { rows: batch.length, cols: this.embeddingDim, data: text_embeds.data as Float32Array },
        'text embeddings',
      );
      batch.forEach((t, i) =>
        this.textCache.set(t, rows.data.slice(i * this.embeddingDim, (i + 1) * this.embeddingDim)),
      );
    }
    const data = new Float32Array(texts.length * this.embeddingDim);
    texts.forEach((t, i) => data.set(this.textCache.get(t)!, i * this.embeddingDim));
    return { rows: texts.length, cols: this.embeddingDim, data };
  }

  async embedLabels(labels: string[], options: ZeroShotOptions = {}): Promise<Matrix> {
    return this.guarded('embedLabels', () => this.embedLabelsImpl(labels, options));
  }

  private async embedLabelsImpl(labels: string[], options: ZeroShotOptions = {}): Promise<Matrix> {
    checkLabels(labels);
    const templates = options.templates === undefined ? undefined : checkTemplates(options.templates);
    const prompts = promptsFor(labels, templates);
    const perPrompt = await this.embedTexts(prompts.flat());
    if (!templates) return perPrompt;
    // Prompt ensembling: mean of each label's normalized prompt embeddings, normalized again.
    const d = this.embeddingDim;
    const t = templates.length;
    const mean = new Float32Array(labels.length * d);
    for (let l = 0; l < labels.length; l++) {
      for (let k = 0; k < t; k++) {
        const row = perPrompt.data.subarray((l * t + k) * d, (l * t + k + 1) * d);
        for (let j = 0; j < d; j++) mean[l * d + j] += row[j] / t;
      }
    }
    return l2Normalize({ rows: labels.length, cols: d, data: mean }, 'ensembled label embeddings');
  }

  async zeroShot(images: ImageSource[], labels: string[], options: ZeroShotOptions = {}): Promise<LabelScore[][]> {
    return this.guarded('zeroShot', () => this.zeroShotImpl(images, labels, options));
  }

  private async zeroShotImpl(
    images: ImageSource[],
    labels: string[],
    options: ZeroShotOptions = {},
  ): Promise<LabelScore[][]> {
    // Labels and templates are checked before any image is read; then texts and images are embedded concurrently.
    checkLabels(labels);
    checkZeroShotOptions(options);
    if (options.templates !== undefined) checkTemplates(options.templates);
    if (labels.length === 1) {
      this.warn(
        `clip: zeroShot got a single label (${JSON.stringify(labels[0])}); a softmax over one value is 1, so its score is trivially 1 and says nothing about the image. Pass two or more labels to compare.`,
      );
    }
    // Both are awaited before an error is passed on, so that no work on this model is left running behind it.
    const [labelsResult, imagesResult] = await Promise.allSettled([
      this.embedLabels(labels, options),
      this.embedImages(images),
    ]);
    if (labelsResult.status === 'rejected') throw labelsResult.reason;
    if (imagesResult.status === 'rejected') throw imagesResult.reason;
    const [labelEmbeddings, imageEmbeddings] = [labelsResult.value, imagesResult.value];
    const cosines = similarityMatrix(imageEmbeddings, labelEmbeddings);
    const result: LabelScore[][] = [];
    for (let i = 0; i < cosines.rows; i++) {
      const probs = softmax(cosines.data.subarray(i * cosines.cols, (i + 1) * cosines.cols), this.logitScale);
      result.push(labels.map((label, j) => ({ label, score: probs[j] })).sort((a, b) => b.score - a.score));
    }
    return result;
  }

  async dispose(): Promise<void> {
    if (this.isDisposed) return;
    this.isDisposed = true;
    await Promise.all([this.textModel.dispose(), this.visionModel.dispose()]);
  }
}
