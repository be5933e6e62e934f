/**
 * Up-front checks of `loadClip`'s options and of the device: each bad value is a `ClipOptionsError` (or
 * `ClipDeviceError`) naming the option, the value, the allowed range and the fix, before anything is read or
 * downloaded.
 *
 * @example
 *   checkLoadClipOptions({ imageBatchSize: 0 });
 *   // ClipOptionsError: imageBatchSize = 0 is not an integer from 1 to 1024. Fix: pass e.g. imageBatchSize: 16 …
 *   checkDevice('cuda');
 *   // ClipDeviceError: device 'cuda' needs onnxruntime-node's CUDA provider (…libonnxruntime_providers_cuda.so) … Fix: …
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkNumberOption, describeValue, MAX_TIMEOUT_MS } from '../image/options';
import { ClipDeviceError, ClipOptionsError } from './errors';
import { DEFAULT_HUB_TIMEOUT_MS } from './resolve';
import type { ClipDevice, LoadClipOptions } from './types';

/** How long a download may go without receiving a byte before it is stopped (ms). */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;
export const MAX_IMAGE_BATCH_SIZE = 1024;
export const MAX_TEXT_BATCH_SIZE = 4096;

/** The options of `loadClip` after checking, with defaults filled in. */
export interface CheckedLoadClipOptions {
  dtype: 'fp32' | 'fp16' | 'q8';
  device: ClipDevice;
  imageBatchSize: number;
  textBatchSize: number;
  hubTimeoutMs: number;
  downloadIdleTimeoutMs: number;
  cacheTexts: boolean;
  warn: (message: string) => void;
}

const CUDA_PROVIDER_FILE = 'libonnxruntime_providers_cuda.so';

/** The folder where onnxruntime-node keeps its native libraries for this platform. */
function onnxRuntimeBinDir(): string {
  return path.join(
    path.dirname(require.resolve('onnxruntime-node/package.json')),
    'bin',
    'napi-v6',
    process.platform,
    process.arch,
  );
}

/**
 * Checks up front that `device` can run here. 'cuda' needs Linux x64 and onnxruntime-node's CUDA provider
 * library, which its install step downloads only on request (this project skips it by default, see README).
 *
 * @example
 *   checkDevice('cpu');   // 'cpu'
 *   checkDevice('gpu');   // ClipOptionsError: device "gpu" is not 'cpu' or 'cuda'. …
 */
export function checkDevice(device: unknown): ClipDevice {
  if (device !== 'cpu' && device !== 'cuda') {
    throw new ClipOptionsError(`device ${JSON.stringify(device)} is not 'cpu' or 'cuda'.`, {
      fix: 'pass one of those (cpu is the default).',
    });
  }
  if (device === 'cuda') {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new ClipDeviceError(
        `device 'cuda' is supported by onnxruntime-node on Linux x64 only (this is ${process.platform}/${process.arch}).`,
        { fix: "use device 'cpu'." },
      );
    }
    const provider = path.join(onnxRuntimeBinDir(), CUDA_PROVIDER_FILE);
    if (!fs.existsSync(provider)) {
      throw new ClipDeviceError(
        `device 'cuda' needs onnxruntime-node's CUDA provider (${provider}), which is not installed (the project's .npmrc skips that download).`,
        {
          fix: "on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, run `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` once (needs network), or use device 'cpu'.",
        },
      );
    }
  }
  return device;
}

function optionalString(
  options: LoadClipOptions,
  key: 'model' | 'localDir' | 'cacheDir' | 'hubUrl',
  example: string,
): void {
  const v = options[key];
  if (v !== undefined && typeof v !== 'string') {
    throw new ClipOptionsError(`${key} = ${describeValue(v)} is not a string.`, {
      fix: `pass e.g. ${key}: ${JSON.stringify(example)}, or leave it out.`,
    });
  }
}

/**
 * Checks every option of `loadClip` (all optional) and fills in the defaults. Throws `ClipOptionsError` for a
 * value of the wrong type or out of range, `ClipDeviceError` for a device this machine cannot use.
 *
 * @example
 *   checkLoadClipOptions({}).imageBatchSize;              // 16
 *   checkLoadClipOptions({ hubTimeoutMs: Infinity });
 *   // ClipOptionsError: hubTimeoutMs = Infinity is not a finite number of milliseconds from 1 to 2147483647. Fix: …
 */
export function checkLoadClipOptions(options: LoadClipOptions): CheckedLoadClipOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ClipOptionsError(`loadClip's options = ${describeValue(options)} is not an options object.`, {
      fix: "pass e.g. { dtype: 'q8' }, or nothing for the defaults.",
    });
  }
  const dtype = options.dtype ?? 'fp32';
  if (dtype !== 'fp32' && dtype !== 'fp16' && dtype !== 'q8') {
    throw new ClipOptionsError(`dtype = ${describeValue(dtype)} is not one of 'fp32', 'fp16', 'q8'.`, {
      fix: 'pass one of those (fp32 is the default), or leave it out.',
    });
  }
  optionalString(options, 'model', 'Xenova/clip-vit-base-patch32');
  optionalString(options, 'localDir', 'models/clip');
  optionalString(options, 'cacheDir', '.cache/huggingface');
  optionalString(options, 'hubUrl', 'https://huggingface.co');
  const ms = { min: 1, max: MAX_TIMEOUT_MS, unit: 'milliseconds' };
  const checked: CheckedLoadClipOptions = {
    dtype,
    device: checkDevice(options.device ?? 'cpu'),
    imageBatchSize: checkNumberOption(
      options.imageBatchSize,
      'imageBatchSize',
      { min: 1, max: MAX_IMAGE_BATCH_SIZE, integer: true, fallback: 16 },
      ClipOptionsError,
    ),
    textBatchSize: checkNumberOption(
      options.textBatchSize,
      'textBatchSize',
      { min: 1, max: MAX_TEXT_BATCH_SIZE, integer: true, fallback: 64 },
      ClipOptionsError,
    ),
    hubTimeoutMs: checkNumberOption(
      options.hubTimeoutMs,
      'hubTimeoutMs',
      { ...ms, fallback: DEFAULT_HUB_TIMEOUT_MS },
      ClipOptionsError,
    ),
    downloadIdleTimeoutMs: checkNumberOption(
      options.downloadIdleTimeoutMs,
      'downloadIdleTimeoutMs',
      { ...ms, fallback: DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS },
      ClipOptionsError,
    ),
    cacheTexts: options.cacheTexts ?? true,
    warn: options.onWarning ?? ((m: string) => console.warn(m)),
  };
  if (typeof checked.cacheTexts !== 'boolean') {
    throw new ClipOptionsError(`cacheTexts = ${describeValue(options.cacheTexts)} is not true or false.`, {
      fix: 'pass cacheTexts: false to keep no text embeddings between calls, or leave it out (true).',
    });
  }
  for (const key of ['onWarning', 'onProgress'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'function' && !(key === 'onProgress' && v === false)) {
      throw new ClipOptionsError(
        `${key} = ${describeValue(v)} is not a function${key === 'onProgress' ? ' or false' : ''}.`,
        {
          fix:
            key === 'onProgress'
              ? 'pass a listener (info) => …, false for silence, or leave it out (a bar on stderr).'
              : 'pass a function (message) => …, or leave it out (console.warn).',
        },
      );
    }
  }
  const s = options.signal as { aborted?: unknown; addEventListener?: unknown } | undefined;
  if (s !== undefined && (s === null || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function')) {
    throw new ClipOptionsError(`signal = ${describeValue(options.signal)} is not an AbortSignal.`, {
      fix: 'pass controller.signal of an AbortController, or AbortSignal.timeout(ms), or leave it out.',
    });
  }
  return checked;
}
