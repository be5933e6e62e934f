/**
 * Downloads the files of a hub model into the project cache so that nothing bad ever lands there:
 *
 * - each file is written to `<file>.part`, then checked — size equal to what the server announced
 *   (Content-Length, Content-Range or the hub's x-linked-size), sha256 equal to the hub's when it gives one (an
 *   ETag or x-linked-etag of 64 hex digits, as the Hugging Face hub does for model files), contents usable
 *   (lib/clip/file-checks.ts: JSON with its keys, ONNX that parses) — and only then renamed into place;
 * - an HTML answer (a captive portal, a proxy login page) is refused before anything is written;
 * - a read that brings no byte for `idleTimeoutMs` stops the download with `ModelUnavailableError` saying what
 *   stalled and how to resume; the bytes received are kept in `<file>.part`;
 * - a connection that breaks off is resumed with an HTTP Range request where the server supports it (also on
 *   the next run, from the kept `.part`), up to `retries` times in one run;
 * - `signal` cancels it at any point (loadCourseClip's deadline uses it).
 *
 * @example
 *   await downloadModelFiles(['config.json', 'onnx/vision_model.onnx'], { hubUrl, modelId: 'course/tiny-random-clip', dir, idleTimeoutMs: 400 });
 *   // against a stand-in hub that stalls after 200000 bytes (tests/clip/download.test.ts):
 *   // ModelUnavailableError: No byte arrived for 0.4 s while downloading onnx/vision_model.onnx of course/tiny-random-clip from
 *   //   http://127.0.0.1:41235 (after 200000 of 517484 bytes): the download stalled. Fix: run it again: it resumes from the
 *   //   200000 bytes kept in …/onnx/vision_model.onnx.part; check the network, or raise downloadIdleTimeoutMs (now 400 ms) for a very slow link.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { ProgressInfo } from '@huggingface/transformers';
import { ModelUnavailableError } from './errors';
import { checkFileBytes, recordInManifest } from './file-checks';
import { logitScaleInModel, rememberLogitScale } from './logit-scale';
import { createProgressBar, type ProgressListener } from './progress';

export interface DownloadOptions {
  /** Hub base URL without a trailing slash, e.g. https://huggingface.co. */
  hubUrl: string;
  modelId: string;
  /** The cache folder of this model: files go to `<dir>/<file>`. */
  dir: string;
  /** A read (or the wait for an answer) that brings nothing for this long stops the download (ms). */
  idleTimeoutMs: number;
  /** Cancels the download; the bytes received so far are kept for the next run. */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** How often one file is resumed after a broken connection within one call (default 3). */
  retries?: number;
}

/**
 * The download options of one model source under `loadClip`'s options (checked ones for the idle timeout): the
 * hub, the model's cache folder, the signal, and the progress bar unless `onProgress: false`.
 */
export function downloadOptionsFor(
  source: { modelId: string; dir: string },
  hubUrl: string,
  idleTimeoutMs: number,
  options: { signal?: AbortSignal; onProgress?: ProgressListener | false },
): DownloadOptions {
  return {
    hubUrl,
    modelId: source.modelId,
    dir: source.dir,
    idleTimeoutMs,
    signal: options.signal,
    onProgress: options.onProgress === false ? undefined : (options.onProgress ?? createProgressBar()),
  };
}

/** A read that brought nothing within the idle timeout. */
class Stalled extends Error {
  constructor(readonly stage: 'answer' | 'body') {
    super(`stalled waiting for the ${stage}`);
  }
}

/** The hub's sha256 of a file, from an ETag-like header (64 hex digits, possibly quoted or weak). */
function sha256FromEtag(value: string | null): string | undefined {
  const v = (value ?? '').replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(v) ? v : undefined;
}

function withIdleTimeout<T>(
  promise: Promise<T>,
  ms: number,
  stage: 'answer' | 'body',
  controller: AbortController,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Stalled(stage));
      controller.abort(new Stalled(stage));
    }, ms);
  });
  return Promise.race([promise, idle]).finally(() => clearTimeout(timer));
}

interface Answer {
  response: Response;
  url: string;
  sha256?: string;
  linkedSize?: number;
}

/** GET with redirects followed by hand, so that the hub's x-linked-etag / x-linked-size of the first hop are kept. */
async function fetchFollowing(
  url: string,
  from: number,
  o: DownloadOptions,
  controller: AbortController,
): Promise<Answer> {
  const headers: Record<string, string> = from > 0 ? { range: `bytes=${from}-` } : {};
  let sha256: string | undefined;
  let linkedSize: number | undefined;
  let current = url;
  for (let hop = 0; hop < 6; hop++) {
    const response = await withIdleTimeout(
      fetch(current, { headers, redirect: 'manual', signal: controller.signal }),
      o.idleTimeoutMs,
      'answer',
      controller,
    );
    sha256 ??= sha256FromEtag(response.headers.get('x-linked-etag')) ?? sha256FromEtag(response.headers.get('etag'));
    const size = Number(response.headers.get('x-linked-size') ?? NaN);
    if (linkedSize === undefined && Number.isInteger(size) && size >= 0) linkedSize = size;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => undefined);
      current = new URL(location, current).href;
      continue;
    }
    return { response, url: current, sha256, linkedSize };
  }
  throw new ModelUnavailableError(
    `Downloading ${url} was redirected more than 5 times.`,
    'check HF_ENDPOINT / hubUrl (a proxy or portal may be looping), or set CLIP_MODEL_DIR to a folder holding the model.',
  );
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const PORTAL_FIX =
  'if this network needs a login (hotel, campus, airport Wi-Fi), open any web page in a browser, log in, then run again; ' +
  'or set HF_ENDPOINT to a reachable mirror, or CLIP_MODEL_DIR to a folder holding the model. Nothing was written to the cache.';

/**
 * Downloads `files` (paths inside the model, e.g. 'onnx/vision_model.onnx') one after the other into `o.dir`,
 * each checked before it is put in place (see the module comment). Files already in place are not fetched again.
 */
export async function downloadModelFiles(files: string[], o: DownloadOptions): Promise<void> {
  for (const file of files) {
    if (fs.existsSync(path.join(o.dir, file))) continue;
    await downloadFile(file, o);
  }
}

/** Downloads one file of the model (see `downloadModelFiles`). */
export async function downloadFile(file: string, o: DownloadOptions): Promise<void> {
  const url = `${o.hubUrl}/${o.modelId}/resolve/main/${file}`;
  const dest = path.join(o.dir, file);
  const part = `${dest}.part`;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const emit = (info: Record<string, unknown>) =>
    o.onProgress?.({ name: o.modelId, file, ...info } as unknown as ProgressInfo);
  const retries = o.retries ?? 3;
  const secs = `${o.idleTimeoutMs / 1000} s`;
  emit({ status: 'initiate' });
  emit({ status: 'download' });
  for (let attempt = 0; ; attempt++) {
    const have = fs.existsSync(part) ? fs.statSync(part).size : 0;
    const controller = new AbortController();
    const onAbort = () => controller.abort(o.signal?.reason);
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort);
    try {
      const cancelled = (loaded: number, total: number | undefined) =>
        new ModelUnavailableError(
          `Downloading ${file} of ${o.modelId} was cancelled (${describeReason(o.signal?.reason)}) after ${loaded} of ${total ?? 'an unknown number of'} bytes.`,
          `run it again: the ${loaded} bytes received are kept in ${part} and the download resumes from there when the server supports it.`,
        );
      let answer: Answer;
      try {
        answer = await fetchFollowing(url, have, o, controller);
      } catch (err) {
        if (err instanceof ModelUnavailableError) throw err;
        if (o.signal?.aborted) throw cancelled(have, undefined);
        if (err instanceof Stalled) {
          throw new ModelUnavailableError(
            `The hub at ${o.hubUrl} accepted the connection for ${file} of ${o.modelId} but sent no answer for ${secs}.`,
            `run it again later${have ? ` (the ${have} bytes already received are kept in ${part})` : ''}; check the network or HF_ENDPOINT, or raise downloadIdleTimeoutMs for a very slow link.`,
            { cause: err },
          );
        }
        const e = err as Error & { cause?: { code?: string; message?: string } };
        throw new ModelUnavailableError(
          `Downloading ${file} of ${o.modelId} from ${o.hubUrl} failed before any answer (${e.cause?.code ?? e.cause?.message ?? e.message}).`,
          `check the connection and run it again${have ? `: it resumes from the ${have} bytes kept in ${part}` : ''}; or set CLIP_MODEL_DIR to a folder holding the model.`,
          { cause: err },
        );
      }
      const res = answer.response;
      if (res.status === 416 && have > 0) {
        // The kept part does not fit the file on the server (it changed, or the part is complete but unchecked): start over.
        await res.body?.cancel().catch(() => undefined);
        fs.rmSync(part, { force: true });
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        await res.body?.cancel().catch(() => undefined);
        const missing = res.status === 404 || res.status === 401 || res.status === 403;
        const dtypeFile = /_(fp16|quantized)\.onnx$/.exec(file);
        throw new ModelUnavailableError(
          missing
            ? `The hub at ${o.hubUrl} has no ${file} for ${o.modelId} (HTTP ${res.status}).`
            : `The hub at ${o.hubUrl} answered HTTP ${res.status} for ${file} of ${o.modelId}.`,
          missing && dtypeFile
            ? `this model does not ship dtype ${dtypeFile[1] === 'fp16' ? "'fp16'" : "'q8'"}: use dtype 'fp32' (or another model id).`
            : missing
              ? 'check the model id (it must be a CLIP export in the transformers.js layout, with onnx/text_model.onnx and onnx/vision_model.onnx).'
              : 'try again later; or set HF_ENDPOINT to a mirror, or CLIP_MODEL_DIR to a folder holding the model.',
        );
      }
      if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
        await res.body?.cancel().catch(() => undefined);
        throw new ModelUnavailableError(
          `The hub at ${o.hubUrl} answered ${file} of ${o.modelId} with an HTML page (content-type ${res.headers.get('content-type')}), not the file: a captive portal or a proxy login page, most likely.`,
          PORTAL_FIX,
        );
      }
      let start = 0;
      let total: number | undefined;
      if (res.status === 206) {
        const m = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get('content-range') ?? '');
        if (!m || Number(m[1]) !== have) {
          await res.body?.cancel().catch(() => undefined);
          fs.rmSync(part, { force: true });
          continue;
        }
        start = have;
        total = m[2] === '*' ? undefined : Number(m[2]);
      } else {
        const length = res.headers.get('content-length');
        total = length === null ? undefined : Number(length);
      }
      const expected = answer.linkedSize ?? total;
      const resumable = res.status === 206 || /bytes/i.test(res.headers.get('accept-ranges') ?? '');
      let loaded = start;
      const fd = fs.openSync(part, start > 0 ? 'a' : 'w');
      let failure: unknown;
      let lastEmit = 0;
      try {
        if (res.body) {
          const reader = res.body.getReader();
          for (;;) {
            const { done, value } = await withIdleTimeout(reader.read(), o.idleTimeoutMs, 'body', controller);
            if (done) break;
            fs.writeSync(fd, value);
            loaded += value.length;
            const now = Date.now();
            if (now - lastEmit > 100) {
              lastEmit = now;
              emit({
                status: 'progress',
                loaded,
                total: expected ?? loaded,
                progress: expected ? (100 * loaded) / expected : 0,
              });
            }
          }
        }
      } catch (err) {
        failure = err;
      } finally {
        fs.closeSync(fd);
      }
      const resumeFix = resumable
        ? `run it again: it resumes from the ${loaded} bytes kept in ${part}`
        : `run it again (this server does not support resuming, so ${file} starts over)`;
      if (failure !== undefined) {
        if (o.signal?.aborted) throw cancelled(loaded, expected);
        if (failure instanceof Stalled) {
          throw new ModelUnavailableError(
            `No byte arrived for ${secs} while downloading ${file} of ${o.modelId} from ${o.hubUrl} (after ${loaded} of ${expected ?? 'an unknown number of'} bytes): the download stalled.`,
            `${resumeFix}; check the network, or raise downloadIdleTimeoutMs (now ${o.idleTimeoutMs} ms) for a very slow link.`,
            { cause: failure },
          );
        }
        if (resumable && attempt < retries) continue;
        const e = failure as Error & { cause?: { code?: string; message?: string } };
        throw new ModelUnavailableError(
          `The connection broke off while downloading ${file} of ${o.modelId} from ${o.hubUrl}, after ${loaded} of ${expected ?? 'an unknown number of'} bytes (${e.cause?.code ?? e.cause?.message ?? e.message}${resumable ? `; resumed ${attempt} times` : ''}).`,
          `${resumeFix}; check the network.`,
          { cause: failure },
        );
      }
      const size = fs.statSync(part).size;
      if (expected !== undefined && size !== expected) {
        if (size < expected && resumable && attempt < retries) continue;
        fs.rmSync(part, { force: true });
        throw new ModelUnavailableError(
          `Downloading ${file} of ${o.modelId} from ${o.hubUrl} gave ${size} bytes, but the server announced ${expected}: the file is incomplete or not the one announced. It was not put in the cache.`,
          'run it again; if this repeats, the server or a proxy in between is sending wrong files: use another network, HF_ENDPOINT or CLIP_MODEL_DIR.',
        );
      }
      if (answer.sha256) {
        const got = await sha256OfFile(part);
        if (got !== answer.sha256) {
          fs.rmSync(part, { force: true });
          throw new ModelUnavailableError(
            `Downloading ${file} of ${o.modelId} from ${o.hubUrl} gave a file whose sha256 is ${got}, but the hub says ${answer.sha256}: the file is damaged. It was not put in the cache.`,
            'run it again; if this repeats, a proxy in between alters downloads: use another network, HF_ENDPOINT or CLIP_MODEL_DIR.',
          );
        }
      }
      // The full model's learned scale is read from the same parse that checks it (lib/clip/logit-scale.ts).
      let scale: number | undefined;
      const isFullModel = /^onnx\/model(_fp16|_quantized)?\.onnx$/.test(file);
      const problem = checkFileBytes(file, fs.readFileSync(part), (model) => {
        if (isFullModel) scale = logitScaleInModel(model);
      });
      if (problem) {
        fs.rmSync(part, { force: true });
        throw new ModelUnavailableError(
          `The hub at ${o.hubUrl} answered ${file} of ${o.modelId} with a file the course cannot use: ${problem}. It was not put in the cache.`,
          /HTML|portal/.test(problem)
            ? PORTAL_FIX
            : 'check the model id (it must be a CLIP export in the transformers.js layout), or set CLIP_MODEL_DIR to a folder holding the model.',
        );
      }
      fs.renameSync(part, dest);
      if (isFullModel) rememberLogitScale(dest, scale);
      recordInManifest(o.dir, file, { size, ...(answer.sha256 ? { sha256: answer.sha256 } : {}) });
      emit({ status: 'progress', loaded: size, total: size, progress: 100 });
      emit({ status: 'done' });
      return;
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
