/**
 * The typed errors of lib/clip. Each message names the input, the cause and the fix.
 *
 * @example
 *   try { await loadClip(); } catch (err) {
 *     if (err instanceof ModelUnavailableError) console.log(err.fix);
 *     // 'connect to the internet once (the model is then cached in .cache/huggingface), or set CLIP_MODEL_DIR=…'
 *   }
 */
import { CourseError } from '../course/errors';

/** The model could not be found locally and could not be downloaded (offline, unknown model, missing file). */
export class ModelUnavailableError extends CourseError {
  constructor(problem: string, fix: string, options?: { cause?: unknown }) {
    super(problem, { fix, ...options });
  }
}

/** The requested device (e.g. 'cuda') cannot run the model on this machine. */
export class ClipDeviceError extends CourseError {}

/** Bad candidate labels or prompt templates given to `zeroShot` / `embedTexts`. */
export class ClipLabelError extends CourseError {}

/** A bad option given to `loadClip` (unknown dtype or device, a batch size that is not a positive integer). */
export class ClipOptionsError extends CourseError {}

/** A `Clip` used after `clip.dispose()` freed its ONNX sessions. */
export class ClipDisposedError extends CourseError {}

/**
 * An error from transformers.js / onnxruntime while loading, as a course error: `ClipDeviceError` for a CUDA
 * session that cannot start, else `ModelUnavailableError` naming the folder. Course errors pass through.
 */
export function wrapLoadError(
  err: unknown,
  source: { modelId: string; dir: string; download: boolean },
  device: string,
): Error {
  if (err instanceof CourseError) return err;
  const message = ((err as Error)?.message ?? String(err)).split('\n')[0];
  if (device === 'cuda') {
    return new ClipDeviceError(
      `device 'cuda': ONNX Runtime could not start a CUDA session for ${source.modelId} (${message}).`,
      {
        fix: "check that CUDA 12 and cuDNN 9 are installed and on the library path (nvidia-smi works), or use device 'cpu'.",
        cause: err,
      },
    );
  }
  return new ModelUnavailableError(
    `Loading the CLIP model from ${source.dir} failed (${message}).`,
    'check that the folder holds a complete CLIP export in the transformers.js layout (re-download it, or point CLIP_MODEL_DIR elsewhere).',
    { cause: err },
  );
}
