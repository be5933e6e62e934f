/**
 * lib/clip's public face: pretrained CLIP through transformers.js — loading (hub, cache, local folder, the
 * course's offline fallback), zero-shot classification, embeddings, the chapter's demo inputs.
 *
 * | file | job |
 * | --- | --- |
 * | types.ts | `Clip`, `LoadClipOptions`, `ZeroShotOptions`, `LabelScore` |
 * | options.ts | up-front checks of loadClip's options and the device |
 * | resolve.ts | where the model comes from (localDir → CLIP_MODEL_DIR → cache → hub), the hub preflight |
 * | download.ts, file-checks.ts | checked, resumable downloads into the cache; bad cached files moved aside |
 * | logit-scale.ts | the learned scale from config.json or onnx/model.onnx |
 * | load.ts | `loadClip` |
 * | loaded-clip.ts | `LoadedClip`: embeddings, zero-shot, dispose |
 * | course-clip.ts | `loadCourseClip`: the offline fallback to the course's own model, with its banner |
 * | full-model.ts | `loadZeroShotPipeline`, `loadFullClipModel` (transformers.js's own pipeline and CLIPModel) |
 * | labels.ts, progress.ts, demo.ts, errors.ts | labels and templates, the progress bar, demo inputs, typed errors |
 *
 * @example
 *   import { loadCourseClip } from './lib/clip/index';
 *   const clip = await loadCourseClip();
 *   await clip.zeroShot(['assets/images/chelsea.png'], ['a photo of a cat', 'a photo of a dog']);
 */
export { loadClip } from './load';
export {
  loadCourseClip,
  COURSE_FALLBACK_DIR,
  COURSE_FALLBACK_BANNER,
  MINI_CLIP_BANNER,
  DEFAULT_COURSE_CLIP_DEADLINE_MS,
} from './course-clip';
export type { LoadCourseClipOptions } from './course-clip';
export { loadZeroShotPipeline, loadFullClipModel } from './full-model';
export type { FullModelOptions } from './full-model';
export { LoadedClip, checkZeroShotOptions } from './loaded-clip';
export {
  checkDevice,
  checkLoadClipOptions,
  DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS,
  MAX_IMAGE_BATCH_SIZE,
  MAX_TEXT_BATCH_SIZE,
} from './options';
export { logitScaleOf, logitScaleFromOnnx, logitScaleFromConfig, LOGIT_SCALE_MEMO } from './logit-scale';
export type { LogitScale } from './logit-scale';
export { downloadModelFiles, downloadFile } from './download';
export type { DownloadOptions } from './download';
export { checkFileBytes, checkFile, quickCheckFile, REQUIRED_JSON_KEYS, MANIFEST_FILE } from './file-checks';
export { ClipDeviceError, ClipDisposedError, ClipLabelError, ClipOptionsError, ModelUnavailableError } from './errors';
export { checkLabels, checkTemplates, encodeTruncated, promptsFor } from './labels';
export { createProgressBar } from './progress';
export type { ProgressListener } from './progress';
export { CHAPTER_IMAGE, CHAPTER_LABELS, demoInputs, shapesDemoInputs } from './demo';
export type { DemoInputs } from './demo';
export {
  COURSE_ROOT,
  DEFAULT_CACHE_DIR,
  DEFAULT_CLIP_MODEL,
  DEFAULT_HUB_URL,
  DEFAULT_HUB_TIMEOUT_MS,
  MINI_CLIP_DIR,
  hubUrlFor,
  onnxFile,
  probeHub,
  requiredClipFiles,
  resolveClipSource,
} from './resolve';
export type { ClipDtype, ClipSource, ClipSourceKind, ResolveOptions } from './resolve';
export type { Clip, ClipDevice, LabelScore, LoadClipOptions, LogitScaleSource, ZeroShotOptions } from './types';
/** What `embedImages` and `zeroShot` accept: a file path, an http(s) or file: URL, or encoded image bytes (lib/image). */
export type { ImageSource } from '../image/preprocess';
