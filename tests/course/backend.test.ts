import { spawnSync } from 'child_process';
import * as path from 'path';
import { initBackend, backendInfo, tf } from '../../lib/course/backend';

const root = path.join(__dirname, '..', '..');

function backendIn(env: Record<string, string>): { status: number | null; out: string } {
  const code =
    "require('tsx/cjs'); require('./lib/course/backend').initBackend().then(b => console.log('BACKEND=' + b), e => { console.log('ERROR=' + e.name + ': ' + e.message); process.exit(3); })";
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('lib/backend', () => {
  test('initBackend picks a working backend once and tf computes on it', async () => {
    const name = await initBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
    expect(await initBackend()).toBe(name);
    expect(tf.getBackend()).toBe(name);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(product.dataSync())).toEqual([11]);
    const info = await backendInfo();
    expect(info.tfjsVersion).toMatch(/^4\./);
  });

  test('without tfjs-node the wasm backend is chosen (the offline default)', () => {
    let hasNative = true;
    try {
      require.resolve('@tensorflow/tfjs-node');
    } catch {
      hasNative = false;
    }
    const r = backendIn({ TFJS_BACKEND: '' });
    expect(r.out).toContain(hasNative ? 'BACKEND=tensorflow' : 'BACKEND=wasm');
  });

  test('TFJS_BACKEND=cpu forces the pure-JS backend', () => {
    expect(backendIn({ TFJS_BACKEND: 'cpu' }).out).toContain('BACKEND=cpu');
  });

  test('an unknown TFJS_BACKEND gets a BackendError that says what to use', () => {
    const r = backendIn({ TFJS_BACKEND: 'gpu-please' });
    expect(r.status).toBe(3);
    expect(r.out).toMatch(/BackendError: TFJS_BACKEND=gpu-please .*use tensorflow, wasm or cpu/);
  });
});
