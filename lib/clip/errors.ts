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
