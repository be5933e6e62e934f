/**
 * Where a CLIP model comes from: an explicit folder, the `CLIP_MODEL_DIR` environment variable, the
 * project-local cache of a hub download, or the Hugging Face hub itself (checked with a short preflight so
 * that an offline machine gets a `ModelUnavailableError` in seconds instead of a hang).
 *
 * @example
 *   const source = await resolveClipSource({ localDir: 'assets/models/mini-clip' });
 *   // { kind: 'localDir', modelId: 'mini-clip', dir: '/…/assets/models/mini-clip', download: false }
 */
import * as fs from 'fs';
import * as path from 'path';
import { ModelUnavailableError, ClipOptionsError } from './errors';
import { COURSE_ROOT, HF_CACHE_DIR, MODEL_DIRS } from '../course/paths';
import { moveAside, quickCheckFile } from './file-checks';

export { COURSE_ROOT };

/** The default hub model: OpenAI's CLIP ViT-B/32 exported to ONNX (`openai/clip-vit-base-patch32`). */
export const DEFAULT_CLIP_MODEL = 'Xenova/clip-vit-base-patch32';
/** Project-local download cache (git-ignored), laid out as transformers.js's file cache: `<dir>/<model id>/<file>`. */
export const DEFAULT_CACHE_DIR = HF_CACHE_DIR;
/** The course's own small CLIP, trained on the shapes world (notebook 02): the offline fallback. */
export const MINI_CLIP_DIR = MODEL_DIRS.miniClip;
/** The hub, unless `HF_ENDPOINT` names a mirror. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** How long the hub preflight waits for an answer before declaring the machine offline. */
export const DEFAULT_HUB_TIMEOUT_MS = 4000;

export type ClipDtype = 'fp32' | 'fp16' | 'q8';
export type ClipSourceKind = 'localDir' | 'CLIP_MODEL_DIR' | 'hub-cache' | 'hub';

export interface ClipSource {
  /** Which rule of the resolution order picked it. */
  kind: ClipSourceKind;
  /** The hub id, or the folder's name for a local folder. */
  modelId: string;
  /** The folder the files are in (for 'hub': the cache folder they are being downloaded to). */
  dir: string;
  /** True when the files must first be downloaded from the hub. */
  download: boolean;
}

export interface ResolveOptions {
  model?: string;
  localDir?: string;
  dtype?: ClipDtype;
  /** Download cache; default `<course root>/.cache/huggingface`. */
  cacheDir?: string;
  /** Hub base URL; default `$HF_ENDPOINT` or https://huggingface.co. */
  hubUrl?: string;
  /** Preflight timeout in milliseconds (default 4000). */
  hubTimeoutMs?: number;
  /** Where warnings go (a bad cached file moved aside, truncated prompts, a single label); default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * Checks the files of a cache folder quickly (lib/clip/file-checks.ts's `quickCheckFile`) and moves each bad one
 * aside (`<file>.bad-<time>`), with a warning naming it; returns what was moved, as text for messages.
 */
export function quarantineBadFiles(dir: string, files: string[], warn: (message: string) => void): string[] {
  const moved: string[] = [];
  for (const file of files) {
    if (!fs.existsSync(path.join(dir, file))) continue;
    const problem = quickCheckFile(dir, file);
    if (!problem) continue;
    const to = moveAside(dir, file);
    moved.push(`${file} (${problem}; moved to ${to})`);
    warn(
      `clip: the cached ${file} in ${dir} is bad: ${problem}. It was moved to ${to} and is fetched again when the hub can be reached.`,
    );
  }
  return moved;
}

const DTYPE_SUFFIX: Record<ClipDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/**
 * The ONNX file of one part of a CLIP export for a dtype, in transformers.js's naming.
 *
 * @example
 *   onnxFile('vision_model', 'q8');   // 'onnx/vision_model_quantized.onnx'
 *   onnxFile('model', 'fp32');        // 'onnx/model.onnx' (text and vision towers plus the logit scale)
 */
export function onnxFile(part: 'text_model' | 'vision_model' | 'model', dtype: ClipDtype): string {
  const suffix = DTYPE_SUFFIX[dtype];
  if (suffix === undefined) {
    throw new ClipOptionsError(
      `dtype "${String(dtype)}" is not one of fp32, fp16, q8. Fix: pass one of those (fp32 is the default).`,
    );
  }
  return `onnx/${part}${suffix}.onnx`;
}

/**
 * The files a CLIP folder needs for `loadClip`, for one dtype.
 *
 * @example
 *   requiredClipFiles('q8');
 *   // ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json',
 *   //  'onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']
 */
export function requiredClipFiles(dtype: ClipDtype = 'fp32'): string[] {
  return [
    'config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    onnxFile('text_model', dtype),
    onnxFile('vision_model', dtype),
  ];
}

function missingFiles(dir: string, dtype: ClipDtype): string[] {
  return requiredClipFiles(dtype).filter((f) => !fs.existsSync(path.join(dir, f)));
}

function checkLocalFolder(dir: string, kind: 'localDir' | 'CLIP_MODEL_DIR', dtype: ClipDtype): ClipSource {
  const what = kind === 'localDir' ? `localDir "${dir}"` : `CLIP_MODEL_DIR="${dir}"`;
  const fixFolder =
    'point it at a folder in the transformers.js layout (config.json, preprocessor_config.json, tokenizer.json, ' +
    `tokenizer_config.json, onnx/text_model.onnx, onnx/vision_model.onnx)${kind === 'CLIP_MODEL_DIR' ? ', or unset CLIP_MODEL_DIR to use the hub' : ''}.`;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new ModelUnavailableError(`${what} is not a folder.`, fixFolder);
  }
  const missing = missingFiles(dir, dtype);
  if (missing.length) {
    const has = (['fp32', 'fp16', 'q8'] as ClipDtype[]).filter((d) => missingFiles(dir, d).length === 0);
    if (has.length) {
      throw new ModelUnavailableError(
        `${what} lacks ${missing.join(', ')} (dtype ${dtype}); it holds dtype ${has.join(', ')} only.`,
        `pass dtype: '${has[0]}', or add the ${dtype} files (e.g. from the hub export) to the folder.`,
      );
    }
    throw new ModelUnavailableError(`${what} lacks ${missing.join(', ')} (dtype ${dtype}).`, fixFolder);
  }
  return { kind, modelId: path.basename(dir), dir, download: false };
}

/** The hub base URL in use: `options.hubUrl`, else `$HF_ENDPOINT`, else https://huggingface.co (no trailing slash). */
export function hubUrlFor(hubUrl?: string): string {
  return (hubUrl ?? process.env.HF_ENDPOINT ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
}

/**
 * Asks the hub for the model's config.json (HEAD) and gives up after `timeoutMs`: a machine without network,
 * or one whose packets are silently dropped, gets an answer in seconds.
 *
 * @example
 *   await probeHub('https://huggingface.co', 'Xenova/clip-vit-base-patch32', 4000);
 *   // { ok: false, reason: 'getaddrinfo ENOTFOUND huggingface.co' }   (offline)
 */
export async function probeHub(
  hubUrl: string,
  modelId: string,
  timeoutMs: number,
): Promise<{ ok: true; reason?: undefined; status?: undefined } | { ok: false; reason: string; status?: number }> {
  const url = `${hubUrl}/${modelId}/resolve/main/config.json`;
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return { ok: true };
    return { ok: false, status: response.status, reason: `HTTP ${response.status} for ${url}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return { ok: false, reason: `no answer from ${hubUrl} within ${timeoutMs} ms` };
    return { ok: false, reason: e.cause?.message ?? e.cause?.code ?? e.message };
  }
}

/**
 * Applies the resolution order — `localDir`, then `CLIP_MODEL_DIR`, then the hub model (from the project-local
 * cache when complete, else downloaded) — and checks the chosen source is usable. Explicit choices are not
 * skipped silently: a `localDir` or `CLIP_MODEL_DIR` that lacks files is an error, not a reason to go online.
 *
 * @example
 *   process.env.CLIP_MODEL_DIR = '/models/clip';
 *   (await resolveClipSource({})).kind;                        // 'CLIP_MODEL_DIR'
 *   (await resolveClipSource({ localDir: 'other/dir' })).kind; // 'localDir'
 */
export async function resolveClipSource(options: ResolveOptions = {}): Promise<ClipSource> {
  const dtype = options.dtype ?? 'fp32';
  requiredClipFiles(dtype); // validates dtype
  if (options.localDir !== undefined && options.localDir !== '') {
    return checkLocalFolder(path.resolve(options.localDir), 'localDir', dtype);
  }
  const fromEnv = process.env.CLIP_MODEL_DIR;
  if (fromEnv !== undefined && fromEnv !== '') {
    return checkLocalFolder(path.resolve(fromEnv), 'CLIP_MODEL_DIR', dtype);
  }
  const modelId = options.model ?? DEFAULT_CLIP_MODEL;
  if (!/^[\w.-]+\/[\w.-]+$/.test(modelId)) {
    throw new ClipOptionsError(
      `model "${modelId}" is not a hub id of the form owner/name. Fix: pass e.g. "${DEFAULT_CLIP_MODEL}", or a folder as localDir.`,
    );
  }
  const cacheDir = path.resolve(options.cacheDir ?? DEFAULT_CACHE_DIR);
  const cachedDir = path.join(cacheDir, modelId);
  const moved = fs.existsSync(cachedDir)
    ? quarantineBadFiles(cachedDir, requiredClipFiles(dtype), options.onWarning ?? ((m) => console.warn(m)))
    : [];
  if (missingFiles(cachedDir, dtype).length === 0) {
    return { kind: 'hub-cache', modelId, dir: cachedDir, download: false };
  }
  const hubUrl = hubUrlFor(options.hubUrl);
  const timeoutMs = options.hubTimeoutMs ?? DEFAULT_HUB_TIMEOUT_MS;
  const probe = await probeHub(hubUrl, modelId, timeoutMs);
  if (!probe.ok) {
    if (probe.status === 401 || probe.status === 404) {
      throw new ModelUnavailableError(
        `The hub at ${hubUrl} has no model "${modelId}" (${probe.reason}).`,
        `check the id (the default is "${DEFAULT_CLIP_MODEL}"; it must be an ONNX export with onnx/text_model.onnx and onnx/vision_model.onnx).`,
      );
    }
    throw new ModelUnavailableError(
      `CLIP model "${modelId}" is not in the cache (${cachedDir}) and the hub cannot be reached (${probe.reason}).` +
        (moved.length ? ` The cache held bad files: ${moved.join('; ')}.` : ''),
      'connect to the internet once (the download is then cached in that folder and later runs work offline), ' +
        'or set CLIP_MODEL_DIR to a folder holding the model (transformers.js layout), or pass { localDir }. ' +
        "Notebooks can call loadCourseClip() to fall back to the course's mini-CLIP.",
    );
  }
  return { kind: 'hub', modelId, dir: cachedDir, download: true };
}
