/**
 * What the course runs on, for notebook 00 and for bug reports.
 *
 * @example
 *   await environmentReport();
 *   // { node: 'v20.20.2', transformers: '4.3.1', tfjs: '4.22.0', backend: 'wasm', nativeTf: false,
 *   //   sharp: '0.35.5', libvips: '8.17.3', tslab: '1.0.22', cwd: '/home/me/vlm-course' }
 */
import * as fs from 'fs';
import * as path from 'path';
import { backendInfo, BackendName } from './backend';

export type EnvironmentReport = {
  node: string;
  transformers: string;
  tfjs: string;
  backend: BackendName;
  nativeTf: boolean;
  sharp: string;
  libvips: string;
  tslab: string;
  /** The kernel's working directory: the course root, where `./lib/…` and `assets/…` resolve. */
  cwd: string;
};

/**
 * The installed version of an npm package, read from node_modules/NAME/package.json (looked up from lib/
 * upwards, as Node resolves; `require.resolve('NAME/package.json')` fails for packages whose "exports" hide it).
 *
 * @example
 *   packageVersion('sharp'); // '0.35.5'
 */
export function packageVersion(name: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(
    `packageVersion: the package "${name}" is not installed (no node_modules/${name}/package.json above ${__dirname}); run \`npm run setup\`.`,
  );
}

export async function environmentReport(): Promise<EnvironmentReport> {
  const tf = await backendInfo();
  const sharp = require('sharp') as typeof import('sharp');
  return {
    node: process.version,
    transformers: packageVersion('@huggingface/transformers'),
    tfjs: tf.tfjsVersion,
    backend: tf.backend,
    nativeTf: tf.nativeLoaded,
    sharp: packageVersion('sharp'),
    libvips: sharp.versions.vips,
    tslab: packageVersion('tslab'),
    cwd: path.resolve(process.cwd()),
  };
}

/** The report as aligned lines, one per component. */
export function formatEnvironmentReport(r: EnvironmentReport): string {
  const rows: [string, string][] = [
    ['Node.js', r.node],
    ['@huggingface/transformers', r.transformers],
    [
      'TensorFlow.js',
      `${r.tfjs} (backend: ${r.backend}${r.nativeTf ? ', native tfjs-node' : ', no tfjs-node: WebAssembly/JS fallback'})`,
    ],
    ['sharp', `${r.sharp} (libvips ${r.libvips})`],
    ['tslab', r.tslab],
    ['working directory', r.cwd],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * One line naming what computes in a notebook: TensorFlow.js and its backend (lib/'s tensor code, training)
 * and onnxruntime-node (where transformers.js runs CLIP models).
 *
 * @example
 *   await runtimeSummary();
 *   // "TensorFlow.js 4.22.0 on the 'wasm' backend; CLIP models run in onnxruntime-node 1.30.0 (CPU)"
 */
export async function runtimeSummary(): Promise<string> {
  const tf = await backendInfo();
  return `TensorFlow.js ${tf.tfjsVersion} on the '${tf.backend}' backend; CLIP models run in onnxruntime-node ${packageVersion('onnxruntime-node')} (CPU)`;
}
