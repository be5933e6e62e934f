/**
 * lib/clip's resolution order (localDir → CLIP_MODEL_DIR → hub cache → hub) and its offline behaviour, without a
 * real model: folders here hold empty placeholder files, and "the hub" is a local server (or a closed port, or a
 * server that never answers). No test reaches the internet.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ClipDeviceError,
  ClipOptionsError,
  DEFAULT_CACHE_DIR,
  DEFAULT_CLIP_MODEL,
  ModelUnavailableError,
  checkDevice,
  loadClip,
  requiredClipFiles,
  resolveClipSource,
  hubUrlFor,
  probeHub,
} from '../../lib/clip/index';
import { closedPort, hubMirror, silentHost } from '../support/clip-servers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-resolve-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Placeholder contents that pass the quick cache check: JSON with the keys the course reads, ONNX-like first bytes. */
function placeholder(file: string): string | Buffer {
  if (file.endsWith('.onnx')) return Buffer.from([0x08, 0x08, 0x12, 0x00]);
  if (file === 'config.json') return JSON.stringify({ model_type: 'clip', text_config: {}, vision_config: {} });
  if (file === 'tokenizer.json') return JSON.stringify({ model: {} });
  return '{}';
}

function fakeModelDir(name: string, files = requiredClipFiles('fp32')): string {
  const dir = path.join(tmp, name);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), placeholder(f));
  }
  return dir;
}

const savedEnv = { CLIP_MODEL_DIR: process.env.CLIP_MODEL_DIR, HF_ENDPOINT: process.env.HF_ENDPOINT };
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
beforeEach(() => {
  delete process.env.CLIP_MODEL_DIR;
  delete process.env.HF_ENDPOINT;
});

describe('resolution order', () => {
  test('localDir wins over CLIP_MODEL_DIR and the hub', async () => {
    const a = fakeModelDir('explicit');
    process.env.CLIP_MODEL_DIR = fakeModelDir('from-env');
    const s = await resolveClipSource({ localDir: a, hubUrl: await closedPort() });
    expect(s).toEqual({ kind: 'localDir', modelId: 'explicit', dir: a, download: false });
  });

  test('CLIP_MODEL_DIR wins over the hub (a relative path is taken from the working directory)', async () => {
    const dir = fakeModelDir('from-env-2');
    process.env.CLIP_MODEL_DIR = path.relative(process.cwd(), dir);
    const s = await resolveClipSource({ model: 'someone/other-model', hubUrl: await closedPort() });
    expect(s).toEqual({ kind: 'CLIP_MODEL_DIR', modelId: 'from-env-2', dir, download: false });
  });

  test('then the hub model from a complete project cache, with no network at all', async () => {
    const cacheDir = path.join(tmp, 'cache-complete');
    const dir = fakeModelDir(path.join('cache-complete', DEFAULT_CLIP_MODEL));
    const s = await resolveClipSource({ cacheDir, hubUrl: await closedPort() });
    expect(s).toEqual({ kind: 'hub-cache', modelId: DEFAULT_CLIP_MODEL, dir, download: false });
  });

  test('then the hub: a reachable hub with the model means a download into <cacheDir>/<model id>', async () => {
    const hub = await hubMirror(DEFAULT_CLIP_MODEL, fakeModelDir('hub-side', ['config.json']));
    try {
      const cacheDir = path.join(tmp, 'cache-empty');
      const s = await resolveClipSource({ cacheDir, hubUrl: hub.url });
      expect(s).toEqual({
        kind: 'hub',
        modelId: DEFAULT_CLIP_MODEL,
        dir: path.join(cacheDir, DEFAULT_CLIP_MODEL),
        download: true,
      });
      expect(hub.requests).toEqual([`HEAD /${DEFAULT_CLIP_MODEL}/resolve/main/config.json`]);
    } finally {
      await hub.close();
    }
  });

  test('an incomplete cache (e.g. an interrupted download) is not used: the hub is asked', async () => {
    const cacheDir = path.join(tmp, 'cache-partial');
    fakeModelDir(path.join('cache-partial', DEFAULT_CLIP_MODEL), ['config.json', 'tokenizer.json']);
    const hub = await hubMirror(DEFAULT_CLIP_MODEL, fakeModelDir('hub-side', ['config.json']));
    try {
      expect((await resolveClipSource({ cacheDir, hubUrl: hub.url })).kind).toBe('hub');
    } finally {
      await hub.close();
    }
  });

  test('the defaults: OpenAI CLIP ViT-B/32 in ONNX, cached in the project, the hub unless HF_ENDPOINT says otherwise', () => {
    expect(DEFAULT_CLIP_MODEL).toBe('Xenova/clip-vit-base-patch32');
    expect(DEFAULT_CACHE_DIR).toBe(path.join(__dirname, '..', '..', '.cache', 'huggingface'));
    expect(hubUrlFor()).toBe('https://huggingface.co');
    process.env.HF_ENDPOINT = 'https://mirror.example/';
    expect(hubUrlFor()).toBe('https://mirror.example');
    expect(hubUrlFor('http://x:1')).toBe('http://x:1');
  });

  test('dtype picks the ONNX files: fp32 plain, fp16 _fp16, q8 _quantized', () => {
    expect(requiredClipFiles('fp32').filter((f) => f.startsWith('onnx/'))).toEqual([
      'onnx/text_model.onnx',
      'onnx/vision_model.onnx',
    ]);
    expect(requiredClipFiles('fp16').filter((f) => f.startsWith('onnx/'))).toEqual([
      'onnx/text_model_fp16.onnx',
      'onnx/vision_model_fp16.onnx',
    ]);
    expect(requiredClipFiles('q8').filter((f) => f.startsWith('onnx/'))).toEqual([
      'onnx/text_model_quantized.onnx',
      'onnx/vision_model_quantized.onnx',
    ]);
  });
});

describe('errors say what is wrong and how to fix it', () => {
  test('offline (connection refused), nothing cached: ModelUnavailableError naming both fixes, at once', async () => {
    const cacheDir = path.join(tmp, 'cache-none');
    const t0 = Date.now();
    const err = await loadClip({ cacheDir, hubUrl: await closedPort() }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(DEFAULT_CLIP_MODEL);
    expect(err.message).toContain(path.join(cacheDir, DEFAULT_CLIP_MODEL));
    expect(err.fix).toMatch(/connect to the internet once/);
    expect(err.fix).toMatch(/CLIP_MODEL_DIR/);
    expect(fs.existsSync(path.join(cacheDir, DEFAULT_CLIP_MODEL))).toBe(false);
  });

  test('the real default hub: offline (this machine, CI) a ModelUnavailableError within seconds; online a download is planned', async () => {
    const cacheDir = path.join(tmp, 'cache-real-hub');
    const t0 = Date.now();
    const online = (await probeHub(hubUrlFor(), DEFAULT_CLIP_MODEL, 4000)).ok;
    if (online) {
      expect(await resolveClipSource({ cacheDir })).toEqual({
        kind: 'hub',
        modelId: DEFAULT_CLIP_MODEL,
        dir: path.join(cacheDir, DEFAULT_CLIP_MODEL),
        download: true,
      });
      return;
    }
    const err = await loadClip({ cacheDir }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain('the hub cannot be reached');
    expect(Date.now() - t0).toBeLessThan(9000);
  });

  test('a host that silently drops packets: the error still comes within the preflight timeout, not a hang', async () => {
    const host = await silentHost();
    try {
      const t0 = Date.now();
      const err = await loadClip({
        cacheDir: path.join(tmp, 'cache-none-2'),
        hubUrl: host.url,
        hubTimeoutMs: 800,
      }).catch((e) => e);
      const elapsed = Date.now() - t0;
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect(err.message).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within 800 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(700);
      expect(elapsed).toBeLessThan(4000);
    } finally {
      await host.close();
    }
  });

  test('a model the hub does not have: ModelUnavailableError saying so', async () => {
    const hub = await hubMirror(DEFAULT_CLIP_MODEL, fakeModelDir('hub-side', ['config.json']));
    try {
      const err = await resolveClipSource({
        model: 'nobody/no-such-clip',
        cacheDir: path.join(tmp, 'c3'),
        hubUrl: hub.url,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect(err.message).toMatch(/has no model "nobody\/no-such-clip" \(HTTP 404/);
    } finally {
      await hub.close();
    }
  });

  test('a localDir or CLIP_MODEL_DIR that is wrong is an error, not a silent fall-through to the network', async () => {
    const partial = fakeModelDir('partial', ['config.json', 'tokenizer.json']);
    const e1 = await resolveClipSource({ localDir: partial }).catch((e) => e);
    expect(e1).toBeInstanceOf(ModelUnavailableError);
    expect(e1.message).toContain(
      `localDir "${partial}" lacks preprocessor_config.json, tokenizer_config.json, onnx/text_model.onnx, onnx/vision_model.onnx`,
    );
    process.env.CLIP_MODEL_DIR = path.join(tmp, 'does-not-exist');
    const e2 = await resolveClipSource({}).catch((e) => e);
    expect(e2).toBeInstanceOf(ModelUnavailableError);
    expect(e2.message).toContain(`CLIP_MODEL_DIR="${path.join(tmp, 'does-not-exist')}" is not a folder`);
    expect(e2.fix).toContain('unset CLIP_MODEL_DIR');
    const e3 = await resolveClipSource({ localDir: fakeModelDir('fp32-only'), dtype: 'q8' }).catch((e) => e);
    expect(e3.message).toContain('lacks onnx/text_model_quantized.onnx, onnx/vision_model_quantized.onnx (dtype q8)');
  });

  test('bad options: ClipOptionsError', async () => {
    await expect(resolveClipSource({ dtype: 'int3' as never })).rejects.toThrow(ClipOptionsError);
    await expect(resolveClipSource({ model: 'just-a-name' })).rejects.toThrow(/not a hub id of the form owner\/name/);
    await expect(loadClip({ localDir: fakeModelDir('ok'), imageBatchSize: 0 })).rejects.toThrow(
      /imageBatchSize = 0 is not an integer from 1 to 1024/,
    );
    expect(() => checkDevice('gpu')).toThrow(ClipOptionsError);
  });

  test("device 'cuda' without onnxruntime-node's CUDA provider: ClipDeviceError with the install command, before any loading", async () => {
    const provider = path.join(
      path.dirname(require.resolve('onnxruntime-node/package.json')),
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
      'libonnxruntime_providers_cuda.so',
    );
    expect(checkDevice('cpu')).toBe('cpu');
    if (fs.existsSync(provider)) {
      expect(checkDevice('cuda')).toBe('cuda');
      return;
    }
    const err = await loadClip({ device: 'cuda', localDir: fakeModelDir('for-cuda') }).catch((e) => e);
    expect(err).toBeInstanceOf(ClipDeviceError);
    expect(err.message).toContain(provider);
    expect(err.message).toContain(
      'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js',
    );
  });
});
