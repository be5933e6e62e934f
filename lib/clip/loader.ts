/**
 * Pretrained CLIP for zero-shot image classification, through transformers.js (ONNX Runtime).
 *
 * `loadClip()` finds the model in this order: `options.localDir`, the `CLIP_MODEL_DIR` environment variable,
 * then the hub model (default `Xenova/clip-vit-base-patch32`, OpenAI's CLIP ViT-B/32 in ONNX), downloaded once
 * with a progress bar into the project-local cache `.cache/huggingface/` and read from there afterwards.
 * Offline without a cached copy it throws `ModelUnavailableError` within seconds. `loadCourseClip()` then falls
 * back to the course's mini-CLIP (trained on the shapes world) and says so.
 *
 * Images go through lib/image's `preprocessImage` (faithful to the Python CLIPImageProcessor) with the model's
 * own preprocessor_config.json; texts through the model's tokenizer, truncated like the Python reference.
 *
 * @example
 *   import { loadClip } from './lib/clip/index';
 *   const clip = await loadClip();
 *   const [ranking] = await clip.zeroShot(['assets/images/chelsea.png'], ['a photo of a cat', 'a photo of a dog']);
 *   // [ { label: 'a photo of a cat', score: 0.99 }, { label: 'a photo of a dog', score: 0.01 } ]
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPModel,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  Tensor,
  env,
  pipeline,
} from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer, ZeroShotImageClassificationPipeline } from '@huggingface/transformers';
import { cosineSimilarity, l2Normalize, similarityMatrix, softmax, type Matrix } from '../embeddings/similarity';
import { ImageInputError, loadPreprocessorConfig, preprocessImages, type ImageSource, type PreprocessorConfig } from '../image/preprocess';
import { ClipDeviceError, ClipLabelError, ClipOptionsError, ModelUnavailableError } from './errors';
import { checkLabels, checkTemplates, encodeTruncated, promptsFor } from './labels';
import { createProgressBar, type ProgressListener } from './progress';
import {
  DEFAULT_HUB_TIMEOUT_MS,
  MINI_CLIP_DIR,
  hubUrlFor,
  probeHub,
  onnxFile,
  requiredClipFiles,
  resolveClipSource,
  type ClipDtype,
  type ClipSource,
  type ResolveOptions,
} from './resolve';

export { ClipDeviceError, ClipLabelError, ClipOptionsError, ModelUnavailableError } from './errors';
export { checkLabels, checkTemplates, encodeTruncated, promptsFor } from './labels';
export { createProgressBar } from './progress';
export { CHAPTER_IMAGE, CHAPTER_LABELS, demoInputs, shapesDemoInputs } from './demo';
export type { DemoInputs } from './demo';
export {
  COURSE_ROOT,
  DEFAULT_CACHE_DIR,
  DEFAULT_CLIP_MODEL,
  MINI_CLIP_DIR,
  requiredClipFiles,
  resolveClipSource,
} from './resolve';
export type { ProgressListener } from './progress';
export type { ClipDtype, ClipSource, ClipSourceKind } from './resolve';

/** What `embedImages` and `zeroShot` accept: a file path, an http(s) or file: URL, or encoded image bytes (lib/image). */
export type { ImageSource } from '../image/preprocess';

export type ClipDevice = 'cpu' | 'cuda';

export interface LoadClipOptions extends ResolveOptions {
  /** Hub model id (default `Xenova/clip-vit-base-patch32`); ignored when a local folder is used. */
  model?: string;
  /** A folder with the model in the transformers.js layout; wins over `CLIP_MODEL_DIR` and the hub. */
  localDir?: string;
  /** ONNX weights: fp32 (default), fp16 or q8 (8-bit quantized). Hub models ship all three; the mini-CLIP fp32 only. */
  dtype?: ClipDtype;
  /** 'cpu' (default) or 'cuda' (needs onnxruntime-node's CUDA provider, see README). */
  device?: ClipDevice;
  /** Download progress; default a one-line bar on stderr. `false` for silence. */
  onProgress?: ProgressListener | false;
  /** Images per forward pass of the vision model (default 16). */
  imageBatchSize?: number;
  /** Prompts per forward pass of the text model (default 64). */
  textBatchSize?: number;
  /** Where warnings go (truncated prompts, a single label); default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Keep each text's embedding for later calls (default true); with false only one call's labels are shared. */
  cacheTexts?: boolean;
}

export interface ZeroShotOptions {
  /** Prompt templates with a `{}` for the label, e.g. `['a photo of a {}', 'a drawing of a {}']`: each label's
   *  text embedding is then the normalized mean of its prompts' embeddings (CLIP's prompt ensembling). */
  templates?: string[];
}

/** One candidate label and its probability for one image. */
export interface LabelScore {
  label: string;
  score: number;
}

/** Where `logitScale` came from. */
export type LogitScaleSource = 'config' | 'probe' | 'clip-default';

export interface Clip {
  /** Hub id, or the folder name of a local model. */
  readonly modelId: string;
  /** False for the course's mini-CLIP (trained on the shapes world), true for a pretrained CLIP. */
  readonly pretrained: boolean;
  /** Which rule of the resolution order was used, and the folder the files are in. */
  readonly source: ClipSource;
  readonly dtype: ClipDtype;
  readonly device: ClipDevice;
  /** The model's learned temperature, exp(logit_scale): 100 for OpenAI's CLIP (clamped there in training). */
  readonly logitScale: number;
  /** 'config' (the model's config.json), 'probe' (logits ÷ cosine from its onnx/model.onnx) or 'clip-default' (100). */
  readonly logitScaleSource: LogitScaleSource;
  /** Length of an embedding (512 for ViT-B/32). */
  readonly embeddingDim: number;
  /** Longest token sequence the text model reads (77 for CLIP); longer prompts are truncated with a warning. */
  readonly maxTextTokens: number;
  /** The model's preprocessor_config.json, as used by `preprocessImage`. */
  readonly preprocessorConfig: PreprocessorConfig;
  /** The transformers.js parts, for step-by-step notebooks. */
  readonly tokenizer: PreTrainedTokenizer;
  readonly textModel: PreTrainedModel;
  readonly visionModel: PreTrainedModel;
  /** Image embeddings, one L2-normalized row per image, computed in batches. */
  embedImages(sources: ImageSource[]): Promise<Matrix>;
  /** Text embeddings, one L2-normalized row per text (cached per text for this model). */
  embedTexts(texts: string[]): Promise<Matrix>;
  /** One L2-normalized row per label: the label's own embedding, or with `templates` the normalized mean of its prompts. */
  embedLabels(labels: string[], options?: ZeroShotOptions): Promise<Matrix>;
  /** Per image, every label with softmax(logitScale · cosine), best first. Label embeddings are computed once. */
  zeroShot(images: ImageSource[], labels: string[], options?: ZeroShotOptions): Promise<LabelScore[][]>;
  /** Frees the ONNX sessions. */
  dispose(): Promise<void>;
}

const CUDA_PROVIDER_FILE = 'libonnxruntime_providers_cuda.so';

/** The folder where onnxruntime-node keeps its native libraries for this platform. */
function onnxRuntimeBinDir(): string {
  return path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * Checks up front that `device` can run here. 'cuda' needs Linux x64 and onnxruntime-node's CUDA provider
 * library, which its install step downloads only on request (this project skips it by default, see README).
 *
 * @example
 *   checkDevice('cuda');
 *   // ClipDeviceError: device 'cuda' needs onnxruntime-node's CUDA provider (…libonnxruntime_providers_cuda.so), which is not installed. Fix: …
 */
export function checkDevice(device: unknown): ClipDevice {
  if (device !== 'cpu' && device !== 'cuda') {
    throw new ClipOptionsError(`device ${JSON.stringify(device)} is not 'cpu' or 'cuda'. Fix: pass one of those (cpu is the default).`);
  }
  if (device === 'cuda') {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new ClipDeviceError(`device 'cuda' is supported by onnxruntime-node on Linux x64 only (this is ${process.platform}/${process.arch}). Fix: use device 'cpu'.`);
    }
    const provider = path.join(onnxRuntimeBinDir(), CUDA_PROVIDER_FILE);
    if (!fs.existsSync(provider)) {
      throw new ClipDeviceError(
        `device 'cuda' needs onnxruntime-node's CUDA provider (${provider}), which is not installed (the project's .npmrc skips that download). ` +
          'Fix: on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` once (needs network), or use device \'cpu\'.',
      );
    }
  }
  return device;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ClipOptionsError(`${name} = ${value} is not a positive integer. Fix: pass e.g. ${fallback}, or leave it out.`);
  }
  return value;
}

type JsonObject = Record<string, unknown>;

function readJson(file: string): JsonObject {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
}

/** The course's mini-CLIP marks itself in config.json (its `mini_clip` section); the folder itself also counts. */
function isCourseMiniClip(dir: string, config: JsonObject): boolean {
  if (typeof config.mini_clip === 'object' && config.mini_clip !== null) return true;
  try {
    return fs.realpathSync(dir) === fs.realpathSync(MINI_CLIP_DIR);
  } catch {
    return false;
  }
}

/**
 * exp(learned logit_scale) when config.json stores it, in log space like the PyTorch parameter: the mini-CLIP
 * writes `course_logit_scale`. (`logit_scale_init_value` is only the value training started from, not used.)
 */
function logitScaleFromConfig(config: JsonObject): number | undefined {
  const v = config.course_logit_scale ?? config.logit_scale;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.exp(v);
  return undefined;
}

/**
 * The learned scale measured on the full model (onnx/model.onnx, which outputs logits_per_image): logits ÷ cosine
 * for one probe image and text. Exact up to float rounding because logits = scale · cosine.
 */
async function probeLogitScale(dir: string, dtype: ClipDtype, device: ClipDevice, inputs: Record<string, Tensor>): Promise<number> {
  const model = await CLIPModel.from_pretrained(dir, { local_files_only: true, dtype, device });
  try {
    const out = await model(inputs);
    const logit = (out.logits_per_image.data as Float32Array)[0];
    return logit / cosineSimilarity(out.image_embeds.data as Float32Array, out.text_embeds.data as Float32Array);
  } finally {
    await model.dispose();
  }
}

function sessionInputNames(model: PreTrainedModel): string[] {
  const sessions = (model as unknown as { sessions?: Record<string, { inputNames?: string[] }> }).sessions;
  return sessions?.model?.inputNames ?? ['input_ids', 'attention_mask'];
}

function wrapLoadError(err: unknown, source: ClipSource, device: ClipDevice): Error {
  if (err instanceof ModelUnavailableError || err instanceof ClipDeviceError || err instanceof ClipOptionsError) return err;
  const message = (err as Error)?.message ?? String(err);
  if (device === 'cuda') {
    return new ClipDeviceError(
      `device 'cuda': ONNX Runtime could not start a CUDA session for ${source.modelId} (${message.split('\n')[0]}). ` +
        "Fix: check that CUDA 12 and cuDNN 9 are installed and on the library path (nvidia-smi works), or use device 'cpu'.",
    );
  }
  if (source.download) {
    return new ModelUnavailableError(
      `Downloading ${source.modelId} into ${source.dir} failed (${message.split('\n')[0]}).`,
      'check the connection and run again (finished files are kept), or set CLIP_MODEL_DIR to a folder holding the model.',
      { cause: err },
    );
  }
  return new ModelUnavailableError(
    `Loading the CLIP model from ${source.dir} failed (${message.split('\n')[0]}).`,
    'check that the folder holds a complete CLIP export in the transformers.js layout (re-download it, or point CLIP_MODEL_DIR elsewhere).',
    { cause: err },
  );
}

/** Everything `LoadedClip` is made of, as `loadClip` assembles it. */
interface ClipParts {
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

class LoadedClip implements Clip {
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

  private warn(message: string): void {
    this.parts.warn(message);
  }

  /** Token ids of each text, padded to the longest, as the text model's inputs. */
  textInputs(texts: string[]): Record<string, Tensor> {
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
    const { data, dims } = await preprocessImages(sources, this.preprocessorConfig);
    return new Tensor('float32', data, dims);
  }

  async embedImages(sources: ImageSource[]): Promise<Matrix> {
    if (!Array.isArray(sources) || sources.length === 0) {
      throw new ImageInputError('<images>', 'bad-source', 'no images were given to embed', 'Pass an array with at least one image path, URL or Buffer.');
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
      const { image_embeds } = await this.visionModel({ pixel_values });
      out.set(image_embeds.data as Float32Array, start * this.embeddingDim);
      pixel_values.dispose();
    }
    return l2Normalize({ rows: sources.length, cols: this.embeddingDim, data: out }, 'image embeddings');
  }

  async embedTexts(texts: string[]): Promise<Matrix> {
    checkLabels(texts, 'texts', { allowDuplicates: true });
    if (!this.parts.cacheTexts || this.textCache.size > TEXT_CACHE_LIMIT) this.textCache.clear();
    const missing = [...new Set(texts.filter((t) => !this.textCache.has(t)))];
    const size = this.parts.textBatchSize;
    for (let start = 0; start < missing.length; start += size) {
      const batch = missing.slice(start, start + size);
      const { text_embeds } = await this.textModel(this.textInputs(batch));
      const rows = l2Normalize({ rows: batch.length, cols: this.embeddingDim, data: text_embeds.data as Float32Array }, 'text embeddings');
      batch.forEach((t, i) => this.textCache.set(t, rows.data.slice(i * this.embeddingDim, (i + 1) * this.embeddingDim)));
    }
    const data = new Float32Array(texts.length * this.embeddingDim);
    texts.forEach((t, i) => data.set(this.textCache.get(t)!, i * this.embeddingDim));
    return { rows: texts.length, cols: this.embeddingDim, data };
  }

  async embedLabels(labels: string[], options: ZeroShotOptions = {}): Promise<Matrix> {
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
    // Labels and templates are checked before any image is read; then texts and images are embedded concurrently.
    checkLabels(labels);
    if (options.templates !== undefined) checkTemplates(options.templates);
    if (labels.length === 1) {
      this.warn(`clip: zeroShot got a single label (${JSON.stringify(labels[0])}); a softmax over one value is 1, so its score is trivially 1 and says nothing about the image. Pass two or more labels to compare.`);
    }
    const [labelEmbeddings, imageEmbeddings] = await Promise.all([this.embedLabels(labels, options), this.embedImages(images)]);
    const cosines = similarityMatrix(imageEmbeddings, labelEmbeddings);
    const result: LabelScore[][] = [];
    for (let i = 0; i < cosines.rows; i++) {
      const probs = softmax(cosines.data.subarray(i * cosines.cols, (i + 1) * cosines.cols), this.logitScale);
      result.push(labels.map((label, j) => ({ label, score: probs[j] })).sort((a, b) => b.score - a.score));
    }
    return result;
  }

  async dispose(): Promise<void> {
    await Promise.all([this.textModel.dispose(), this.visionModel.dispose()]);
  }
}

/**
 * Loads CLIP: `localDir`, else `CLIP_MODEL_DIR`, else the hub model (cached in `.cache/huggingface/`).
 *
 * @example
 *   const clip = await loadClip();                 // online once: downloads Xenova/clip-vit-base-patch32 with a bar
 *   clip.modelId;                                  // 'Xenova/clip-vit-base-patch32'
 *   clip.logitScale;                               // 100
 *   (await clip.embedTexts(['a photo of a cat'])).cols;   // 512
 *   await loadClip();                              // offline, nothing cached: ModelUnavailableError within seconds
 */
export async function loadClip(options: LoadClipOptions = {}): Promise<Clip> {
  const dtype = options.dtype ?? 'fp32';
  const device = checkDevice(options.device ?? 'cpu');
  const imageBatchSize = positiveInteger(options.imageBatchSize, 16, 'imageBatchSize');
  const textBatchSize = positiveInteger(options.textBatchSize, 64, 'textBatchSize');
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const source = await resolveClipSource(options);

  let tokenizer: PreTrainedTokenizer;
  let textModel: PreTrainedModel;
  let visionModel: PreTrainedModel;
  try {
    const from = source.download ? source.modelId : source.dir;
    // transformers.js downloads from env.remoteHost (one setting for the process): point it at the hub we probed.
    if (source.download) env.remoteHost = `${hubUrlFor(options.hubUrl)}/`;
    const hubOptions = source.download
      ? { cache_dir: cacheDirOf(source), progress_callback: options.onProgress === false ? undefined : options.onProgress ?? createProgressBar() }
      : { local_files_only: true };
    [tokenizer, textModel, visionModel] = await Promise.all([
      AutoTokenizer.from_pretrained(from, hubOptions),
      CLIPTextModelWithProjection.from_pretrained(from, { ...hubOptions, dtype, device }),
      CLIPVisionModelWithProjection.from_pretrained(from, { ...hubOptions, dtype, device }),
    ]);
    if (source.download) await AutoProcessor.from_pretrained(from, hubOptions); // fetches preprocessor_config.json into the cache
  } catch (err) {
    throw wrapLoadError(err, source, device);
  }
  const missing = requiredClipFiles(dtype).filter((f) => !fs.existsSync(path.join(source.dir, f)));
  if (missing.length) {
    throw new ModelUnavailableError(`After loading ${source.modelId}, ${missing.join(', ')} is missing from ${source.dir}.`, 'delete that folder and download again.');
  }

  const config = readJson(path.join(source.dir, 'config.json'));
  const textConfig = (config.text_config ?? {}) as JsonObject;
  const preprocessorConfig = await loadPreprocessorConfig(path.join(source.dir, 'preprocessor_config.json'));
  // The text limit: the tokenizer's model_max_length and the model's position table, whichever is known and smaller
  // (some tokenizers say 1e30 for "no limit"); CLIP's 77 when neither is known.
  const limits = [Number((tokenizer as unknown as { model_max_length?: number }).model_max_length), Number(textConfig.max_position_embeddings)]
    .filter((n) => Number.isInteger(n) && n > 2 && n < 1e6);
  const maxTextTokens = limits.length ? Math.min(...limits) : 77;
  const embeddingDim = Number(config.projection_dim ?? textConfig.projection_dim);
  if (!Number.isInteger(embeddingDim) || embeddingDim < 1) {
    throw new ModelUnavailableError(`${source.dir}/config.json has no projection_dim, so the embedding size is unknown.`, 'use a CLIP config.json (it has projection_dim).');
  }

  const clip = new LoadedClip({
    source, pretrained: !isCourseMiniClip(source.dir, config), dtype, device, tokenizer, textModel, visionModel, preprocessorConfig,
    maxTextTokens, embeddingDim, imageBatchSize, textBatchSize, warn, cacheTexts: options.cacheTexts ?? true,
  });
  const fromConfig = logitScaleFromConfig(config);
  const fullModel = path.join(source.dir, onnxFile('model', dtype));
  if (fromConfig !== undefined) {
    clip.logitScale = fromConfig;
    clip.logitScaleSource = 'config';
  } else if (fs.existsSync(fullModel)) {
    const size = Number((preprocessorConfig as { crop_size?: { height?: number } }).crop_size?.height ?? 224);
    const pixel_values = new Tensor('float32', new Float32Array(3 * size * size).map((_, i) => Math.sin(i)), [1, 3, size, size]);
    try {
      clip.logitScale = await probeLogitScale(source.dir, dtype, device, { ...clip.textInputs(['a probe']), pixel_values });
      clip.logitScaleSource = 'probe';
    } catch (err) {
      warn(`clip: could not measure the logit scale with ${fullModel} (${((err as Error).message ?? String(err)).split('\n')[0]}); using CLIP's 100 instead. Zero-shot probabilities may be too sharp or too flat for this model.`);
    }
  }
  return clip;
}

function cacheDirOf(source: ClipSource): string {
  // source.dir is <cacheDir>/<owner>/<name>
  return path.dirname(path.dirname(source.dir));
}

/** The banner `loadCourseClip` prints when it falls back to the mini-CLIP. */
export const MINI_CLIP_BANNER =
  "offline: using the course's mini-CLIP trained on the shapes world, not OpenAI's CLIP; results below are about shapes, not photos";

/**
 * For notebooks: `loadClip(options)`, and when that model is unavailable (offline, nothing cached), the course's
 * mini-CLIP from assets/models/mini-clip with a banner saying so. Branch on `clip.pretrained` to pick photos and
 * everyday labels (true) or shapes-world images and labels (false).
 *
 * @example
 *   const clip = await loadCourseClip();
 *   // offline: using the course's mini-CLIP trained on the shapes world, not OpenAI's CLIP; results below are about shapes, not photos
 *   //   (why: CLIP model "Xenova/clip-vit-base-patch32" is not in the cache … and the hub cannot be reached …)
 *   clip.pretrained;   // false
 */
export async function loadCourseClip(options: LoadClipOptions & { log?: (message: string) => void } = {}): Promise<Clip> {
  const log = options.log ?? ((m: string) => console.log(m));
  try {
    return await loadClip(options);
  } catch (err) {
    if (!(err instanceof ModelUnavailableError)) throw err;
    let mini: Clip;
    try {
      mini = await loadClip({ ...options, localDir: MINI_CLIP_DIR, dtype: 'fp32' });
    } catch (miniErr) {
      if (!(miniErr instanceof ModelUnavailableError)) throw miniErr;
      throw new ModelUnavailableError(
        `Neither CLIP (${err.message.split(' Fix:')[0]}) nor the course's mini-CLIP (${miniErr.message.split(' Fix:')[0]}) could be loaded.`,
        'connect to the internet once (the real CLIP is then cached in .cache/huggingface), or set CLIP_MODEL_DIR to a folder holding a CLIP ' +
          'model, or restore assets/models/mini-clip (`git checkout assets/models/mini-clip`, or rebuild it with `npm run train:mini-clip`).',
      );
    }
    log(`${MINI_CLIP_BANNER}\n  (why: ${err.message.split(' Fix:')[0]})\n  (fix, to use OpenAI's CLIP: run once with network — it is then cached in .cache/huggingface/ — or set CLIP_MODEL_DIR to a folder holding it; then restart the kernel)`);
    return mini;
  }
}

type FullModelOptions = Pick<LoadClipOptions, 'onProgress' | 'hubUrl' | 'hubTimeoutMs'>;

/**
 * Where the combined text+vision model (onnx/model.onnx) of `clip` is loaded from: its folder when the file is
 * there (the mini-CLIP, a complete local export), else the hub model into the same cache (checked with the preflight).
 */
async function fullModelLocation(clip: Clip, what: string, options: FullModelOptions): Promise<{ from: string; loadOptions: Record<string, unknown>; download: boolean }> {
  const { source, dtype, device } = clip;
  const file = onnxFile('model', dtype);
  if (fs.existsSync(path.join(source.dir, file))) {
    return { from: source.dir, loadOptions: { local_files_only: true, dtype, device }, download: false };
  }
  if (!(source.kind === 'hub' || source.kind === 'hub-cache')) {
    throw new ModelUnavailableError(
      `${what} needs ${file} (the combined text+vision model), which ${source.dir} does not have.`,
      'export the full CLIPModel into that folder, or use clip.zeroShot (which needs only the text and vision models).',
    );
  }
  const hubUrl = hubUrlFor(options.hubUrl);
  const probe = await probeHub(hubUrl, source.modelId, options.hubTimeoutMs ?? DEFAULT_HUB_TIMEOUT_MS);
  if (!probe.ok) {
    throw new ModelUnavailableError(
      `${what} needs ${file} of ${source.modelId}, which is not in ${source.dir}, and the hub cannot be reached (${probe.reason}).`,
      'connect once to download it (it is then cached), or use clip.zeroShot, which needs only the text and vision models.',
    );
  }
  env.remoteHost = `${hubUrl}/`;
  const progress_callback = options.onProgress === false ? undefined : options.onProgress ?? createProgressBar();
  return { from: source.modelId, loadOptions: { cache_dir: cacheDirOf(source), dtype, device, progress_callback }, download: true };
}

/**
 * transformers.js's one-line `zero-shot-image-classification` pipeline on the same model as `clip` (it needs the
 * combined onnx/model.onnx: present in the mini-CLIP, downloaded into the cache for a hub model).
 *
 * @example
 *   const classify = await loadZeroShotPipeline(clip);
 *   await classify('assets/images/chelsea.png', ['a photo of a cat', 'a photo of a dog'], { hypothesis_template: '{}' });
 *   // [ { score: 0.99, label: 'a photo of a cat' }, { score: 0.01, label: 'a photo of a dog' } ]
 */
export async function loadZeroShotPipeline(clip: Clip, options: FullModelOptions = {}): Promise<ZeroShotImageClassificationPipeline> {
  const { from, loadOptions, download } = await fullModelLocation(clip, 'The zero-shot pipeline', options);
  try {
    return (await pipeline('zero-shot-image-classification', from, loadOptions)) as ZeroShotImageClassificationPipeline;
  } catch (err) {
    throw wrapLoadError(err, { ...clip.source, download }, clip.device);
  }
}

/**
 * transformers.js's `CLIPModel` (text and vision towers plus the learned scale, outputs `image_embeds`,
 * `text_embeds`, `logits_per_image`) for the same model as `clip`, as the chapter's step-by-step path uses it.
 *
 * @example
 *   const model = await loadFullClipModel(clip);
 *   const out = await model({ ...clip.tokenizer(labels, { padding: true }), ...(await processor(image)) });
 *   out.image_embeds.dims;   // [1, 512]
 */
export async function loadFullClipModel(clip: Clip, options: FullModelOptions = {}): Promise<PreTrainedModel> {
  const { from, loadOptions, download } = await fullModelLocation(clip, 'CLIPModel', options);
  try {
    return await CLIPModel.from_pretrained(from, loadOptions);
  } catch (err) {
    throw wrapLoadError(err, { ...clip.source, download }, clip.device);
  }
}
