/**
 * `loadCourseClip`, for notebooks: `loadClip(options)`, and when that model is unavailable (offline, nothing
 * cached, a captive portal, a stalled or too slow download) the course's own model, with a banner saying what
 * is used instead, why, and how to get the real CLIP. It falls back within its own deadline whatever the hub
 * does: at `deadlineMs` the download is cancelled (its bytes are kept and resumed next time).
 *
 * The fallback model is one constant, `COURSE_FALLBACK_DIR`.
 *
 * @example
 *   const clip = await loadCourseClip();
 *   // offline: using the course's emoji-CLIP (trained on emoji drawn by six artists), not OpenAI's CLIP; it knows everyday concepts as emoji, not photos
 *   //   (why: CLIP model "Xenova/clip-vit-base-patch32" is not in the cache … and the hub cannot be reached …)
 *   //   (fix, to use OpenAI's CLIP: run once with network — it is then cached in .cache/huggingface/ — or set CLIP_MODEL_DIR …)
 *   clip.pretrained;   // false
 */
import { MODEL_DIRS } from '../course/paths';
import { checkNumberOption, MAX_TIMEOUT_MS } from '../image/options';
import { ClipOptionsError, ModelUnavailableError } from './errors';
import { loadClip } from './load';
import type { Clip, LoadClipOptions } from './types';

/** The course's own model that `loadCourseClip` falls back to. */
export const COURSE_FALLBACK_DIR = MODEL_DIRS.emojiClip;

/** The banner `loadCourseClip` prints when it falls back (first line; the reason and the fix follow). */
export const COURSE_FALLBACK_BANNER =
  "offline: using the course's emoji-CLIP (trained on emoji drawn by six artists), not OpenAI's CLIP; it knows everyday concepts as emoji, not photos";
/** The banner when a notebook asks for the shapes-world mini-CLIP as its fallback (`fallback: 'mini-clip'`). */
export const MINI_CLIP_BANNER =
  "offline: using the course's mini-CLIP trained on the shapes world, not OpenAI's CLIP; results below are about shapes, not photos";

/** The course's own models a notebook may fall back to: the emoji-CLIP (default) or the shapes-world mini-CLIP. */
export type CourseFallback = 'emoji-clip' | 'mini-clip';
const FALLBACKS: Record<CourseFallback, { dir: string; banner: string }> = {
  'emoji-clip': { dir: COURSE_FALLBACK_DIR, banner: COURSE_FALLBACK_BANNER },
  'mini-clip': { dir: MODEL_DIRS.miniClip, banner: MINI_CLIP_BANNER },
};

/** How long `loadCourseClip` waits for the real CLIP (download included) before it falls back: 10 minutes. */
export const DEFAULT_COURSE_CLIP_DEADLINE_MS = 600_000;

export interface LoadCourseClipOptions extends LoadClipOptions {
  /** Where the banner goes (default console.log). */
  log?: (message: string) => void;
  /** Fall back when the real CLIP is not loaded within this many ms (default 600000). */
  deadlineMs?: number;
  /**
   * Which of the course's models to fall back to: 'emoji-clip' (default: everyday concepts, as emoji) or
   * 'mini-clip' (the shapes world, for notebooks whose offline demos are built on shapes).
   */
  fallback?: CourseFallback;
}

const FIX =
  "(fix, to use OpenAI's CLIP: run once with network — it is then cached in .cache/huggingface/ and a broken download resumes — " +
  'or set CLIP_MODEL_DIR to a folder holding it; behind a captive portal, log in with a browser first; then restart the kernel)';

/** loadClip, settled within `deadlineMs`: the download is cancelled at the deadline, and the wait ends a moment later whatever happens. */
async function loadClipWithin(options: LoadClipOptions, deadlineMs: number): Promise<Clip> {
  const controller = new AbortController();
  const reason = new Error(`loadCourseClip's deadline of ${deadlineMs / 1000} s passed`);
  const outer = options.signal;
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter);
  if (outer?.aborted) onOuter();
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  const attempt = loadClip({ ...options, signal: controller.signal });
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(reason);
      // Whatever does not stop on the signal (a model being opened) gets one more second, then is left behind.
      grace = setTimeout(
        () =>
          reject(
            new ModelUnavailableError(
              `${reason.message} while loading CLIP.`,
              'run again with a faster network, or raise deadlineMs.',
            ),
          ),
        1000,
      );
    }, deadlineMs);
  });
  try {
    return await Promise.race([attempt, late]);
  } catch (err) {
    // A model that finishes after we gave up is freed, not leaked.
    attempt.then((clip) => clip.dispose()).catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    outer?.removeEventListener('abort', onOuter);
  }
}

/**
 * `loadClip(options)`, or — when it throws `ModelUnavailableError` or misses `deadlineMs` — the course's own
 * model from `COURSE_FALLBACK_DIR`, with a banner. Branch on `clip.pretrained` to pick photos and everyday labels
 * (true) or the course world's images and labels (false).
 */
export async function loadCourseClip(options: LoadCourseClipOptions = {}): Promise<Clip> {
  const { log: logOption, deadlineMs: deadlineOption, fallback: fallbackOption, ...clipOptions } = options;
  const which = fallbackOption ?? 'emoji-clip';
  if (!(which in FALLBACKS)) {
    throw new ClipOptionsError(
      `loadCourseClip: fallback = ${JSON.stringify(which)} is not one of the course's models.`,
      {
        fix: "Pass fallback: 'emoji-clip' (the default) or 'mini-clip'.",
      },
    );
  }
  const { dir: fallbackDir, banner } = FALLBACKS[which];
  const log = logOption ?? ((m: string) => console.log(m));
  const deadlineMs = checkNumberOption(
    deadlineOption,
    'deadlineMs',
    { min: 1, max: MAX_TIMEOUT_MS, unit: 'milliseconds', fallback: DEFAULT_COURSE_CLIP_DEADLINE_MS },
    ClipOptionsError,
  );
  try {
    return await loadClipWithin(clipOptions, deadlineMs);
  } catch (err) {
    if (!(err instanceof ModelUnavailableError)) throw err;
    let fallback: Clip;
    try {
      fallback = await loadClip({ ...clipOptions, signal: undefined, localDir: fallbackDir, dtype: 'fp32' });
    } catch (fallbackErr) {
      if (!(fallbackErr instanceof ModelUnavailableError)) throw fallbackErr;
      throw new ModelUnavailableError(
        `Neither CLIP (${err.message.split(' Fix:')[0]}) nor the course's own model in ${fallbackDir} (${fallbackErr.message.split(' Fix:')[0]}) could be loaded.`,
        'connect to the internet once (the real CLIP is then cached in .cache/huggingface), or set CLIP_MODEL_DIR to a folder holding a CLIP ' +
          `model, or restore ${fallbackDir} (\`git checkout\` it).`,
      );
    }
    log(`${banner}\n  (why: ${err.message.split(' Fix:')[0]})\n  ${FIX}`);
    return fallback;
  }
}
