import * as fs from 'fs';
import * as path from 'path';
import {
  environmentReport,
  formatEnvironmentReport,
  packageVersion,
  runtimeSummary,
} from '../../lib/course/environment';

const root = path.join(__dirname, '..', '..');
const lockVersion = (name: string): string =>
  (
    JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    }
  ).packages[`node_modules/${name}`].version;

describe('environmentReport', () => {
  test('reports the versions that are installed (as locked in package-lock.json)', async () => {
    const r = await environmentReport();
    expect(r.node).toBe(process.version);
    expect(r.transformers).toBe(lockVersion('@huggingface/transformers'));
    expect(r.sharp).toBe(lockVersion('sharp'));
    expect(r.tslab).toBe(lockVersion('tslab'));
    expect(r.tfjs).toBe(lockVersion('@tensorflow/tfjs-core'));
    expect(r.libvips).toMatch(/^\d+\.\d+\.\d+/);
    expect(['tensorflow', 'wasm', 'cpu']).toContain(r.backend);
    const text = formatEnvironmentReport(r);
    expect(text.split('\n')).toHaveLength(6);
    expect(text).toContain(`backend: ${r.backend}`);
  });

  test('runtimeSummary names the backend in use and the onnxruntime-node version', async () => {
    const r = await environmentReport();
    expect(await runtimeSummary()).toBe(
      `TensorFlow.js ${lockVersion('@tensorflow/tfjs-core')} on the '${r.backend}' backend; CLIP models run in onnxruntime-node ${lockVersion('onnxruntime-node')} (CPU)`,
    );
  });

  test('packageVersion names a missing package in its error', () => {
    expect(() => packageVersion('no-such-package-xyz')).toThrow(/no-such-package-xyz/);
  });
});
