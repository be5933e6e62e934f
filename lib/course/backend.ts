/**
 * The one place that picks the TensorFlow.js backend. Every other module of lib/ and every notebook
 * imports `tf` from here and awaits `initBackend()` before computing.
 *
 * Order: `@tensorflow/tfjs-node` (native TensorFlow, when its optional install succeeded), then
 * `@tensorflow/tfjs` with the WebAssembly backend (ships its .wasm, about 30× faster than plain JS),
 * then the pure-JavaScript `cpu` backend. Set `TFJS_BACKEND=tensorflow|wasm|cpu` to force one.
 *
 * @example
 *   const backend = await initBackend();   // 'wasm' on a machine without tfjs-node
 *   tf.matMul(a, b);
 */
import * as path from 'path';
import type * as tfTypes from '@tensorflow/tfjs';
import { CourseError } from './errors';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Raised when a backend asked for by `TFJS_BACKEND` cannot be started. */
export class BackendError extends CourseError {}

function loadTf(): { tf: typeof tfTypes; nativeLoaded: boolean } {
  const wanted = process.env.TFJS_BACKEND;
  if (wanted === undefined || wanted === '' || wanted === 'tensorflow') {
    try {
      // tfjs-node re-exports the whole tfjs API and registers the 'tensorflow' backend.
      return { tf: require('@tensorflow/tfjs-node') as typeof tfTypes, nativeLoaded: true };
    } catch (err) {
      if (wanted === 'tensorflow') {
        throw new BackendError(
          `TFJS_BACKEND=tensorflow, but @tensorflow/tfjs-node could not be loaded (${(err as Error).message.split('\n')[0]}). ` +
            'Its install step downloads libtensorflow and needs network: run `npm install @tensorflow/tfjs-node` online, ' +
            'or unset TFJS_BACKEND to use the wasm backend.',
        );
      }
    }
  }
  return { tf: require('@tensorflow/tfjs') as typeof tfTypes, nativeLoaded: false };
}

const loaded = loadTf();
/** The TensorFlow.js namespace, bound to whichever package was loaded. */
export const tf: typeof tfTypes = loaded.tf;

let ready: Promise<BackendName> | undefined;

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function pickBackend(): Promise<BackendName> {
  const wanted = process.env.TFJS_BACKEND as BackendName | undefined;
  if (wanted && !['tensorflow', 'wasm', 'cpu'].includes(wanted)) {
    throw new BackendError(
      `TFJS_BACKEND=${wanted} is not a backend this course knows; use tensorflow, wasm or cpu (or unset it).`,
    );
  }
  if (loaded.nativeLoaded && (await tryBackend('tensorflow'))) return 'tensorflow';
  if (!wanted || wanted === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm files are read from the package's dist folder (no network).
    const dist =
      path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    wasm.setWasmPaths(dist);
    if (await tryBackend('wasm')) return 'wasm';
    if (wanted === 'wasm')
      throw new BackendError(
        'TFJS_BACKEND=wasm, but the wasm backend failed to start; unset TFJS_BACKEND to fall back to cpu.',
      );
  }
  if (await tryBackend('cpu')) return 'cpu';
  throw new BackendError('No TensorFlow.js backend could be started (tried tensorflow, wasm, cpu).');
}

/**
 * Starts the backend once (later calls return the same promise) and returns its name.
 *
 * @example
 *   await initBackend(); // 'wasm'
 */
export function initBackend(): Promise<BackendName> {
  if (!ready)
    ready = pickBackend().then(async (name) => {
      await tf.ready();
      return name;
    });
  return ready;
}

/** Name and version of what runs, for notebooks to print. */
export async function backendInfo(): Promise<{ backend: BackendName; tfjsVersion: string; nativeLoaded: boolean }> {
  const backend = await initBackend();
  return { backend, tfjsVersion: tf.version_core, nativeLoaded: loaded.nativeLoaded };
}
