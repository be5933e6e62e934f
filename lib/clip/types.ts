/**
 * The types of lib/clip's public API: what `loadClip` takes (`LoadClipOptions`), what it returns (`Clip`), and
 * what `zeroShot` takes and gives. No code here; the checks of these options are in lib/clip/options.ts.
 *
 * @example
 *   import type { Clip, LoadClipOptions } from './lib/clip/index';
 *   const options: LoadClipOptions = { dtype: 'q8', imageBatchSize: 8 };
 */
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import type { Matrix } from '../embeddings/similarity';
import type { ImageSource, PreprocessorConfig } from '../image/preprocess';
import type { ProgressListener } from './progress';
import type { ClipDtype, ClipSource, ResolveOptions } from './resolve';

export type ClipDevice = 'cpu' | 'cuda';

export interface LoadClipOptions extends ResolveOptions {
  /** Hub model id (default `Xenova/clip-vit-base-patch32`); ignored when a local folder is used. */
  model?: string;
  /** A folder with the model in the transformers.js layout; wins over `CLIP_MODEL_DIR` and the hub. */
  localDir?: string;
  /** ONNX weights: fp32 (default), fp16 or q8 (8-bit quantized). Hub models ship all three; the mini-CLIP too. */
  dtype?: ClipDtype;
  /** 'cpu' (default) or 'cuda' (needs onnxruntime-node's CUDA provider, see README). */
  device?: ClipDevice;
  /** Download progress; default a one-line bar on stderr. `false` for silence. */
  onProgress?: ProgressListener | false;
  /** Images per forward pass of the vision model (default 16, at most 1024). */
  imageBatchSize?: number;
  /** Prompts per forward pass of the text model (default 64, at most 4096). */
  textBatchSize?: number;
  /** Keep each text's embedding for later calls (default true); with false only one call's labels are shared. */
  cacheTexts?: boolean;
  /** A download that receives no byte for this long (ms) stops with `ModelUnavailableError` (default 30000). */
  downloadIdleTimeoutMs?: number;
  /** Cancels loading (the download stops; what was fetched is kept and resumed next time). */
  signal?: AbortSignal;
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

/**
 * Where `logitScale` came from: 'config' (config.json stores the learned value), 'model' (the `logit_scale`
 * initializer of onnx/model.onnx, read from the file without running it) or 'clip-default' (neither: CLIP's 100).
 */
export type LogitScaleSource = 'config' | 'model' | 'clip-default';

export interface Clip {
  /** Hub id, or the folder name of a local model. */
  readonly modelId: string;
  /** False for the course's own models (mini-CLIP, emoji-CLIP), true for a pretrained CLIP. */
  readonly pretrained: boolean;
  /** Which rule of the resolution order was used, and the folder the files are in. */
  readonly source: ClipSource;
  readonly dtype: ClipDtype;
  readonly device: ClipDevice;
  /** The model's learned temperature, exp(logit_scale): 100 for OpenAI's CLIP (clamped there in training). */
  readonly logitScale: number;
  /** Where `logitScale` came from (see `LogitScaleSource`). */
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
  /** True once `dispose()` was called; every other method then throws `ClipDisposedError`. */
  readonly disposed: boolean;
  /** Image embeddings, one L2-normalized row per image, computed in batches. */
  embedImages(sources: ImageSource[]): Promise<Matrix>;
  /** Text embeddings, one L2-normalized row per text (cached per text for this model). */
  embedTexts(texts: string[]): Promise<Matrix>;
  /** One L2-normalized row per label: the label's own embedding, or with `templates` the normalized mean of its prompts. */
  embedLabels(labels: string[], options?: ZeroShotOptions): Promise<Matrix>;
  /** Per image, every label with softmax(logitScale · cosine), best first. Label embeddings are computed once. */
  zeroShot(images: ImageSource[], labels: string[], options?: ZeroShotOptions): Promise<LabelScore[][]>;
  /** Frees the ONNX sessions. Calling it again does nothing. */
  dispose(): Promise<void>;
}
