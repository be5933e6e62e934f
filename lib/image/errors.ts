/**
 * Errors of the image pipeline (lib/image). Every message names the input, the cause and the fix.
 *
 * @example
 *   try { await preprocessImage('missing.png'); }
 *   catch (e) { if (e instanceof ImageInputError) console.log(e.reason); } // 'missing-file'
 */
import { CourseError } from '../course/errors';

/** Why an image input was rejected; `ImageInputError.reason` carries it for code that branches on the cause. */
export type ImageInputErrorReason =
  | 'missing-file'
  | 'not-a-file'
  | 'empty'
  | 'not-an-image'
  | 'truncated'
  | 'unsupported-format'
  | 'too-many-pixels'
  | 'unsupported-scheme'
  | 'timeout'
  | 'http-status'
  | 'too-large'
  | 'network'
  | 'bad-source';

/**
 * Raised for an image that cannot be read or decoded. `source` is the path, URL or buffer description;
 * `reason` the cause; the message ends with how to fix it.
 */
export class ImageInputError extends CourseError {
  override name = 'ImageInputError';
  constructor(
    readonly source: string,
    readonly reason: ImageInputErrorReason,
    cause: string,
    fix: string,
  ) {
    super(`Cannot use image ${source}: ${cause}.`, { fix });
  }
}

/** Raised for a preprocessor configuration that cannot work (a missing file, bad JSON, a negative size, ...). */
export class PreprocessorConfigError extends CourseError {}
