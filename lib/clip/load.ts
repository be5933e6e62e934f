/**
 * `loadClip`: pretrained CLIP for zero-shot image classification, through transformers.js (ONNX Runtime).
 *
 * The model is found in this order: `options.localDir`, the `CLIP_MODEL_DIR` environment variable, then the hub
 * model (default `Xenova/clip-vit-base-patch32`, OpenAI's CLIP ViT-B/32 in ONNX), downloaded once with a progress
 * bar into the project-local cache `.cache/huggingface/` (lib/clip/download.ts: every file checked before it is
 * put in place, stalls stopped, broken downloads resumed) and read from there afterwards. Offline without a
 * cached copy it throws `ModelUnavailableError` within seconds; `loadCourseClip()` (lib/clip/course-clip.ts) then
 * falls back to the course's own model and says so.
 *
 * Images go through lib/image's `preprocessImage` (faithful to the Python CLIPImageProcessor) with the model's
 * own preprocessor_config.json; texts through the model's tokenizer, truncated like the Python reference. The
 * learned logit scale comes from config.json or onnx/model.onnx (lib/clip/logit-scale.ts).
 *
 *
 * @example
 *   import { loadClip } from './lib/clip/index';
 *   const clip = await loadClip();
 *   const [ranking] = await clip.zeroShot(['assets/images/chelsea.png'], ['a photo of a cat', 'a photo of a dog']);
 *   // [ { label: 'a photo of a cat', score: 0.99 }, { label: 'a photo of a dog', score: 0.01 } ]
 */
import * as fs from 'fs';
import * as path from 'path';
import { AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection } from '@huggingface/transformers';
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { PATHS } from '../course/paths';
import { loadPreprocessorConfig } from '../image/preprocess';
import { downloadModelFiles, downloadOptionsFor, type DownloadOptions } from './download';
import { ModelUnavailableError, wrapLoadError } from './errors';
import { checkFile, moveAside } from './file-checks';
import { LoadedClip } from './loaded-clip';
import { logitScaleFromConfig, logitScaleOf } from './logit-scale';
import { checkLoadClipOptions } from './options';
import { hubUrlFor, onnxFile, probeHub, requiredClipFiles, resolveClipSource, type ClipSource } from './resolve';
import type { Clip, LoadClipOptions } from './types';

type JsonObject = Record<string, unknown>;

function readJson(file: string): JsonObject {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
}

/**
 * The course's own models (mini-CLIP, emoji-CLIP) mark themselves in config.json (`mini_clip` / `emoji_clip` /
 * `course_model`); a folder inside assets/models/ also counts.
 */
function isCourseModel(dir: string, config: JsonObject): boolean {
  if (['mini_clip', 'emoji_clip', 'course_model'].some((k) => typeof config[k] === 'object' && config[k] !== null))
    return true;
  try {
    const rel = path.relative(fs.realpathSync(PATHS.models), fs.realpathSync(dir));
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  } catch {
    return false;
  }
}

/**
 * Downloads what a hub model needs into its cache folder: config.json first, then the tokenizer, preprocessor
 * and the two encoders, and — when config.json does not store the learned logit scale — the combined
 * onnx/model.onnx that holds it (a model without one only gets a warning).
 */
async function downloadClip(
  source: ClipSource,
  files: string[],
  dl: DownloadOptions,
  scaleFile: string | undefined,
  warn: (m: string) => void,
): Promise<void> {
  await downloadModelFiles(files, dl);
  if (!scaleFile) return;
  try {
    await downloadModelFiles([scaleFile], dl);
  } catch (err) {
    if (!(err instanceof ModelUnavailableError) || !/has no /.test(err.message)) throw err;
    warn(
      `clip: ${source.modelId} has no ${scaleFile} on the hub, and its config.json stores no learned logit scale; CLIP's 100 is used.`,
    );
  }
}

/**
 * Loads CLIP: `localDir`, else `CLIP_MODEL_DIR`, else the hub model (cached in `.cache/huggingface/`).
 * Every option is checked first (`ClipOptionsError` naming the option, the value, the range and the fix).
 *
 * @example
 *   const clip = await loadClip();                 // online once: downloads Xenova/clip-vit-base-patch32 with a bar
 *   clip.modelId;                                  // 'Xenova/clip-vit-base-patch32'
 *   [clip.logitScale, clip.logitScaleSource];      // [≈100 (float32 of exp(ln 100)), 'model']
 *   (await clip.embedTexts(['a photo of a cat'])).cols;   // 512
 *   await loadClip();                              // offline, nothing cached: ModelUnavailableError within seconds
 */
export async function loadClip(options: LoadClipOptions = {}): Promise<Clip> {
  const o = checkLoadClipOptions(options);
  const { dtype, device, warn } = o;
  const source = await resolveClipSource({ ...options, hubTimeoutMs: o.hubTimeoutMs, onWarning: warn });
  const hubUrl = hubUrlFor(options.hubUrl);
  const dl: DownloadOptions = downloadOptionsFor(source, hubUrl, o.downloadIdleTimeoutMs, options);
  const isHub = source.kind === 'hub' || source.kind === 'hub-cache';
  if (source.download) {
    await downloadModelFiles(['config.json'], dl);
    const needsScale = logitScaleFromConfig(readJson(path.join(source.dir, 'config.json'))) === undefined;
    await downloadClip(source, requiredClipFiles(dtype), dl, needsScale ? onnxFile('model', dtype) : undefined, warn);
  } else if (source.kind === 'hub-cache' && logitScaleOf(source.dir, dtype).source === 'clip-default') {
    // A cache from before the scale was read from onnx/model.onnx: fetch that file when the hub answers.
    const probe = await probeHub(hubUrl, source.modelId, o.hubTimeoutMs);
    if (probe.ok) await downloadClip(source, [], dl, onnxFile('model', dtype), warn);
  }
  if (options.signal?.aborted) {
    throw new ModelUnavailableError(
      `Loading ${source.modelId} was cancelled (${String((options.signal.reason as Error)?.message ?? options.signal.reason)}).`,
      'run it again.',
    );
  }

  let tokenizer: PreTrainedTokenizer;
  let textModel: PreTrainedModel;
  let visionModel: PreTrainedModel;
  try {
    const local = { local_files_only: true };
    [tokenizer, textModel, visionModel] = await Promise.all([
      AutoTokenizer.from_pretrained(source.dir, local),
      CLIPTextModelWithProjection.from_pretrained(source.dir, { ...local, dtype, device }),
      CLIPVisionModelWithProjection.from_pretrained(source.dir, { ...local, dtype, device }),
    ]);
  } catch (err) {
    if (isHub) {
      // A cached file that passed the quick check may still be damaged: check them fully, move bad ones aside.
      const bad = requiredClipFiles(dtype).flatMap((f) => {
        const problem = checkFile(source.dir, f);
        return problem ? [`${f} (${problem}; moved to ${moveAside(source.dir, f)})`] : [];
      });
      if (bad.length) {
        throw new ModelUnavailableError(
          `The cached copy of ${source.modelId} in ${source.dir} has bad files: ${bad.join('; ')}.`,
          'run loadClip again with network: the moved files are downloaded again (the good ones are kept).',
          { cause: err },
        );
      }
    }
    throw wrapLoadError(err, source, device);
  }
  const missing = requiredClipFiles(dtype).filter((f) => !fs.existsSync(path.join(source.dir, f)));
  if (missing.length) {
    throw new ModelUnavailableError(
      `After loading ${source.modelId}, ${missing.join(', ')} is missing from ${source.dir}.`,
      'delete that folder and download again.',
    );
  }

  const config = readJson(path.join(source.dir, 'config.json'));
  const textConfig = (config.text_config ?? {}) as JsonObject;
  const preprocessorConfig = await loadPreprocessorConfig(path.join(source.dir, 'preprocessor_config.json'));
  // The text limit: the tokenizer's model_max_length and the model's position table, whichever is known and smaller
  // (some tokenizers say 1e30 for "no limit"); CLIP's 77 when neither is known.
  const limits = [
    Number((tokenizer as unknown as { model_max_length?: number }).model_max_length),
    Number(textConfig.max_position_embeddings),
  ].filter((n) => Number.isInteger(n) && n > 2 && n < 1e6);
  const maxTextTokens = limits.length ? Math.min(...limits) : 77;
  const embeddingDim = Number(config.projection_dim ?? textConfig.projection_dim);
  if (!Number.isInteger(embeddingDim) || embeddingDim < 1) {
    throw new ModelUnavailableError(
      `${source.dir}/config.json has no projection_dim, so the embedding size is unknown.`,
      'use a CLIP config.json (it has projection_dim).',
    );
  }

  const clip = new LoadedClip({
    source,
    pretrained: !isCourseModel(source.dir, config),
    dtype,
    device,
    tokenizer,
    textModel,
    visionModel,
    preprocessorConfig,
    maxTextTokens,
    embeddingDim,
    imageBatchSize: o.imageBatchSize,
    textBatchSize: o.textBatchSize,
    warn,
    cacheTexts: o.cacheTexts,
  });
  const scale = logitScaleOf(source.dir, dtype, config);
  clip.logitScale = scale.scale;
  clip.logitScaleSource = scale.source;
  if (scale.source === 'clip-default') {
    warn(
      `clip: ${source.modelId} stores no learned logit scale (config.json has none, and ${onnxFile('model', dtype)} is missing or holds no logit_scale); ` +
        "CLIP's 100 is used, so zero-shot probabilities may be too sharp or too flat for this model. Add onnx/model.onnx to the folder to use its own.",
    );
  }
  return clip;
}
