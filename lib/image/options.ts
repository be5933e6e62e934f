/**
 * Up-front checks of lib/image's options (`preprocessImage(s)`'s read limits, decode choices and batch
 * concurrency, and the sizes in a preprocessor config), so that a bad value fails at once with an error that
 * names the option, the value, the allowed range and the fix, instead of misbehaving later (a timeout of
 * Infinity that fires at once, a maxPixels of NaN that switches the decompression-bomb check off, a crop of
 * 60000 pixels that allocates gigabytes).
 *
 * @example
 *   checkPreprocessOptions({ timeoutMs: Infinity });
 *   // ImageOptionError: timeoutMs = Infinity is not a finite number of milliseconds from 1 to 2147483647. Fix: …
 *   describeValue(NaN);              // 'NaN'   (JSON.stringify would say null)
 *   describeValue(new Uint16Array(2)); // 'a Uint16Array'
 */
import { CourseError } from '../course/errors';

/** The largest side, in pixels, a preprocessor config may resize or crop to (CLIP models use 224 to 448). */
export const MAX_PREPROCESS_SIZE = 4096;
/** The longest timeout Node's timers can wait (2^31 − 1 ms, about 24.8 days): a larger one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** The most images `preprocessImages` decodes at once. */
export const MAX_CONCURRENCY = 256;

/** A bad option given to `preprocessImage` / `preprocessImages` (lib/image). */
export class ImageOptionError extends CourseError {}

/**
 * A value as a reader would name it in a message: numbers as written (NaN, Infinity, -0), strings quoted,
 * objects by their kind ('a Uint16Array', 'an ArrayBuffer', 'an array of 3 items', 'null').
 *
 * @example
 *   describeValue('224');        // '"224" (a string)'
 *   describeValue([1, 2]);       // 'an array of 2 items'
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n (a bigint)`;
  if (typeof v === 'string') return `${JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v)} (a string)`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  const kind = ctor && ctor !== 'Object' ? ctor : tag === 'Object' ? 'plain object' : tag;
  return `${/^[AEIO]/i.test(kind) ? 'an' : 'a'} ${kind}`;
}

/**
 * Checks one number option: undefined passes (the default applies); otherwise it must be a finite number in
 * [min, max] (and an integer when `integer`). Returns the value or the default.
 */
export function checkNumberOption(
  value: unknown,
  name: string,
  range: { min: number; max: number; integer?: boolean; unit?: string; fallback: number; fix?: string },
  Err: new (message: string, options?: { fix?: string }) => Error = ImageOptionError,
): number {
  if (value === undefined) return range.fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const what = range.integer ? 'an integer' : `a finite number${range.unit ? ` of ${range.unit}` : ''}`;
    throw new Err(`${name} = ${describeValue(value)} is not ${what} from ${range.min} to ${range.max}.`, {
      fix: range.fix ?? `pass e.g. ${name}: ${range.fallback} (the default), or leave it out.`,
    });
  }
  return value as number;
}

export interface CheckedReadOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxPixels?: number;
  autoOrient?: boolean;
  concurrency?: number;
}

/**
 * Checks the options of `preprocessImage` / `preprocessImages` (every field optional): timeoutMs and maxBytes,
 * maxPixels finite and positive, autoOrient a boolean, concurrency a positive integer (at most 256).
 * Throws `ImageOptionError` naming the option, the value, the allowed range and the fix.
 */
export function checkPreprocessOptions(
  options: unknown,
  defaults: { timeoutMs: number; maxBytes: number; maxPixels: number },
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ImageOptionError(`options = ${describeValue(options)} is not an options object.`, {
      fix: 'pass e.g. { timeoutMs: 15000, maxPixels: 100000000 }, or leave it out.',
    });
  }
  const o = options as CheckedReadOptions;
  checkNumberOption(o.timeoutMs, 'timeoutMs', {
    min: 1,
    max: MAX_TIMEOUT_MS,
    unit: 'milliseconds',
    fallback: defaults.timeoutMs,
  });
  checkNumberOption(o.maxBytes, 'maxBytes', {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'bytes',
    fallback: defaults.maxBytes,
  });
  checkNumberOption(o.maxPixels, 'maxPixels', {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    unit: 'pixels',
    fallback: defaults.maxPixels,
  });
  checkNumberOption(o.concurrency, 'concurrency', { min: 1, max: MAX_CONCURRENCY, integer: true, fallback: 4 });
  if (o.autoOrient !== undefined && typeof o.autoOrient !== 'boolean') {
    throw new ImageOptionError(`autoOrient = ${describeValue(o.autoOrient)} is not true or false.`, {
      fix: 'pass autoOrient: true to apply the EXIF orientation, or leave it out (false).',
    });
  }
}
