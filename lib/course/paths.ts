/**
 * The course's paths and settings, in one place. Every path is absolute and derived from this file's own
 * location, so it is the same whatever the working folder is (a notebook's kernel, `npm run …`, jest).
 *
 * @example
 *   COURSE_ROOT;                      // '/home/me/vlm-course'
 *   coursePath('assets', 'images');   // '/home/me/vlm-course/assets/images'
 *   EXERCISE_TIME_LIMIT_MS;           // 5000
 */
import * as path from 'path';

/** The course root: the folder that holds package.json, lib/, assets/, notebooks/, exercises/. */
export const COURSE_ROOT = path.resolve(__dirname, '..', '..');

/** An absolute path inside the course. */
export function coursePath(...parts: string[]): string {
  return path.join(COURSE_ROOT, ...parts);
}

/** Folders of the course. */
export const PATHS = {
  lib: coursePath('lib'),
  assets: coursePath('assets'),
  images: coursePath('assets', 'images'),
  models: coursePath('assets', 'models'),
  notebooks: coursePath('notebooks'),
  exercises: coursePath('exercises'),
  solutions: coursePath('solutions'),
  exerciseTests: coursePath('tests', 'exercises'),
  /** Project-local caches (git-ignored): model downloads, renders. */
  cache: coursePath('.cache'),
  /** Build outputs (git-ignored): test results, benches, the site. */
  build: coursePath('build'),
} as const;

/** The course's own models. */
export const MODEL_DIRS = {
  /** The shapes-world mini-CLIP (notebook 02). */
  miniClip: coursePath('assets', 'models', 'mini-clip'),
  /** The emoji-world CLIP: the offline stand-in for OpenAI's CLIP. */
  emojiClip: coursePath('assets', 'models', 'emoji-clip'),
} as const;

/** Where hub downloads are cached, laid out as transformers.js's file cache: `<dir>/<model id>/<file>`. */
export const HF_CACHE_DIR = coursePath('.cache', 'huggingface');

/** The longest one call into a learner's exercise function may take, in milliseconds (grader and notebooks). */
export const EXERCISE_TIME_LIMIT_MS = 5000;

/** The environment variables the course reads, by purpose. */
export const ENV = {
  /** A folder holding a CLIP export in the transformers.js layout, used instead of the hub. */
  clipModelDir: 'CLIP_MODEL_DIR',
  /** A mirror of the Hugging Face hub. */
  hubEndpoint: 'HF_ENDPOINT',
  /** Force a TensorFlow.js backend: tensorflow | wasm | cpu. */
  tfjsBackend: 'TFJS_BACKEND',
  /** A folder of exercise files to grade instead of exercises/. */
  exercisesDir: 'GRADE_EXERCISES_DIR',
  /** The per-call time limit of the grader, in ms (default EXERCISE_TIME_LIMIT_MS). */
  gradeTimeoutMs: 'GRADE_TIMEOUT_MS',
  /** The Python that runs Jupyter. */
  jupyterPython: 'JUPYTER_PYTHON',
  /** Set by `grade()` for the grader it starts: the report then says `await grade('NN')` instead of an npm command. */
  gradeFrom: 'GRADE_FROM',
  /** The folder where a grade run records the process groups it started (so its deadline can end them all). */
  learnerRunDir: 'LEARNER_RUN_DIR',
  /** Force the engine of embedding products: js | onnx | tfjs (default: the fastest installed for the size). */
  matmulEngine: 'MATMUL_ENGINE',
} as const;
