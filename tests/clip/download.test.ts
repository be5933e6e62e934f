/**
 * lib/clip's downloads against local stand-in hubs (tests/support/clip-servers.ts): nothing bad lands in the
 * cache (captive portal, wrong length, wrong checksum), stalls end with ModelUnavailableError saying what stalled
 * and how to resume, broken connections resume with Range, and loadCourseClip falls back within its deadline.
 * The served model is ../shared/models/tiny-random-clip (19 MB, the hub layout).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COURSE_ROOT } from '../../lib/course/paths';
import {
  COURSE_FALLBACK_BANNER,
  COURSE_FALLBACK_DIR,
  MANIFEST_FILE,
  ModelUnavailableError,
  downloadFile,
  loadClip,
  loadCourseClip,
  requiredClipFiles,
  type DownloadOptions,
} from '../../lib/clip/index';
import { captivePortal, closedPort, hubMirror, type Misbehaviour } from '../support/clip-servers';

const TINY = path.join(COURSE_ROOT, '..', 'shared', 'models', 'tiny-random-clip');
const ID = 'course/tiny-random-clip';
const FILE = 'onnx/vision_model.onnx';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-download-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => path.join(tmp, `cache-${n++}`, ID);
const original = () => fs.readFileSync(path.join(TINY, FILE));

test('the test model is there', () => {
  expect(fs.existsSync(path.join(TINY, 'onnx', 'model.onnx'))).toBe(true);
});

/** downloadFile of FILE from a hub that misbehaves on the first GET (or on every GET with `always`). */
async function download(
  bad: Misbehaviour | undefined,
  hubOptions: { ranges?: boolean; sha256?: boolean; redirectOnnx?: boolean; always?: boolean } = {},
  dir = freshDir(),
  idleTimeoutMs = 400,
) {
  const hub = await hubMirror(ID, TINY, {
    ...hubOptions,
    misbehave: (file, _r, i) => (file === FILE && (i === 0 || hubOptions.always) ? bad : undefined),
  });
  const o: DownloadOptions = { hubUrl: hub.url, modelId: ID, dir, idleTimeoutMs };
  const t0 = Date.now();
  try {
    const err = await downloadFile(FILE, o).then(
      () => undefined,
      (e) => e,
    );
    return { err, ms: Date.now() - t0, dir, log: hub.log.filter((r) => r.file === FILE) };
  } finally {
    await hub.close();
  }
}

const placed = (dir: string) => fs.existsSync(path.join(dir, FILE));
const partSize = (dir: string) =>
  fs.existsSync(path.join(dir, `${FILE}.part`)) ? fs.statSync(path.join(dir, `${FILE}.part`)).size : 0;

describe('a download is checked before it is put in place', () => {
  test('a good download: the same bytes, checked against the hub sha256, recorded in the manifest, no .part left', async () => {
    const { err, dir } = await download(undefined, { sha256: true });
    expect(err).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, FILE)).equals(original())).toBe(true);
    expect(partSize(dir)).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest[FILE].size).toBe(original().length);
    expect(manifest[FILE].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('wrong length: the hub announces another size than it sends, so nothing is put in place', async () => {
    const { err, dir } = await download({ kind: 'announce', bytes: original().length + 10 }, { always: true });
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(
      `gave ${original().length} bytes, but the server announced ${original().length + 10}`,
    );
    expect(placed(dir)).toBe(false);
    expect(partSize(dir)).toBe(0);
  });

  test('wrong checksum: a file whose sha256 differs from the hub ETag is refused', async () => {
    const { err, dir } = await download({ kind: 'bad-sha256' }, { sha256: true });
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toMatch(/sha256 is [0-9a-f]{64}, but the hub says [0-9a-f]{64}: the file is damaged/);
    expect(placed(dir)).toBe(false);
  });
});

describe('redirects to a CDN, as the hub does for model files', () => {
  test("the hub's x-linked-etag and x-linked-size on the redirect are checked against the file the CDN sends", async () => {
    const good = await download(undefined, { redirectOnnx: true, ranges: true });
    expect(good.err).toBeUndefined();
    expect(good.log.map((r) => r.method)).toEqual(['GET', 'GET']); // the redirect, then the CDN
    expect(JSON.parse(fs.readFileSync(path.join(good.dir, MANIFEST_FILE), 'utf8'))[FILE].sha256).toMatch(
      /^[0-9a-f]{64}$/,
    );
    const bad = await download({ kind: 'bad-sha256' }, { redirectOnnx: true, always: true });
    expect(bad.err).toBeInstanceOf(ModelUnavailableError);
    expect(bad.err.message).toMatch(/but the hub says [0-9a-f]{64}: the file is damaged/);
    expect(placed(bad.dir)).toBe(false);
  });
});

describe('stalls end with ModelUnavailableError, fast, saying what stalled and how to resume', () => {
  test('stall before any answer', async () => {
    const { err, ms } = await download({ kind: 'stall-before-answer' });
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toMatch(
      /accepted the connection for onnx\/vision_model\.onnx of course\/tiny-random-clip but sent no answer for 0\.4 s/,
    );
    expect(ms).toBeLessThan(3000);
  });

  test('stall after the headers', async () => {
    const { err, ms, dir } = await download({ kind: 'stall-after-headers' }, { ranges: true });
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`No byte arrived for 0.4 s while downloading ${FILE} of ${ID}`);
    expect(err.message).toContain(`after 0 of ${original().length} bytes`);
    expect(ms).toBeLessThan(3000);
    expect(placed(dir)).toBe(false);
  });

  test('stall mid-body: the bytes received are kept, and the next run resumes from them with a Range request', async () => {
    const first = await download({ kind: 'stall-after', bytes: 200_000 }, { ranges: true });
    expect(first.err).toBeInstanceOf(ModelUnavailableError);
    expect(first.err.message).toContain(`after 200000 of ${original().length} bytes): the download stalled`);
    expect(first.err.fix).toContain(`it resumes from the 200000 bytes kept in ${path.join(first.dir, FILE)}.part`);
    expect(partSize(first.dir)).toBe(200_000);
    const again = await download(undefined, { ranges: true, sha256: true }, first.dir);
    expect(again.err).toBeUndefined();
    expect(again.log.map((r) => r.range)).toEqual(['bytes=200000-']);
    expect(fs.readFileSync(path.join(first.dir, FILE)).equals(original())).toBe(true);
  });
});

describe('a connection that breaks off', () => {
  test('is resumed within the same call where the server supports ranges', async () => {
    const { err, dir, log } = await download({ kind: 'reset-after', bytes: 150_000 }, { ranges: true, sha256: true });
    expect(err).toBeUndefined();
    expect(log.map((r) => r.range)).toEqual([undefined, 'bytes=150000-']);
    expect(fs.readFileSync(path.join(dir, FILE)).equals(original())).toBe(true);
  });

  test('ends with ModelUnavailableError where it does not (and says the file starts over)', async () => {
    const { err, dir } = await download({ kind: 'reset-after', bytes: 150_000 }, { ranges: false });
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toMatch(
      /The connection broke off while downloading onnx\/vision_model\.onnx .* after 150000 of \d+ bytes/,
    );
    expect(err.fix).toContain('this server does not support resuming');
    expect(placed(dir)).toBe(false);
  });
});

describe('behind a captive portal', () => {
  test('nothing is written to the cache; a good hub afterwards loads the model; the portal page is named in the error', async () => {
    const portal = await captivePortal();
    const cacheDir = path.join(tmp, 'portal-cache');
    try {
      const err = await loadClip({ model: ID, cacheDir, hubUrl: portal.url, onProgress: false }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect(err.message).toMatch(
        /answered config\.json of course\/tiny-random-clip with an HTML page .*captive portal/,
      );
      expect(err.fix).toMatch(/log in/);
      expect(fs.readdirSync(path.join(cacheDir, ID)).filter((f) => !f.startsWith('.'))).toEqual([]);
    } finally {
      await portal.close();
    }
    const hub = await hubMirror(ID, TINY);
    try {
      const clip = await loadClip({
        model: ID,
        cacheDir,
        hubUrl: hub.url,
        onProgress: false,
        onWarning: () => undefined,
      });
      expect(clip.source.kind).toBe('hub');
      expect([clip.logitScaleSource, Math.round(clip.logitScale)]).toEqual(['model', 42]);
      await clip.dispose();
    } finally {
      await hub.close();
    }
  });

  test('a portal page served as a model file (no text/html header) is caught by the content check', async () => {
    const portal = await captivePortal('application/octet-stream');
    try {
      const err = await downloadFile('config.json', {
        hubUrl: portal.url,
        modelId: ID,
        dir: freshDir(),
        idleTimeoutMs: 2000,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect(err.message).toMatch(/it is an HTML page \(starts "<!DOCTYPE html>.*captive portal/);
    } finally {
      await portal.close();
    }
  });

  test('a bad file already in the cache (the portal page of an older version) is named, moved aside and fetched again', async () => {
    const cacheDir = path.join(tmp, 'poisoned');
    const dir = path.join(cacheDir, ID);
    for (const f of requiredClipFiles('fp32')) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(TINY, f), path.join(dir, f));
    }
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '<html><body>Please log in</body></html>');
    const warnings: string[] = [];
    const offline = await loadClip({
      model: ID,
      cacheDir,
      hubUrl: await closedPort(),
      onWarning: (m) => warnings.push(m),
    }).catch((e) => e);
    expect(offline).toBeInstanceOf(ModelUnavailableError);
    expect(offline.message).toMatch(
      /The cache held bad files: tokenizer\.json \(it is an HTML page .*moved to .*tokenizer\.json\.bad-/,
    );
    expect(warnings[0]).toMatch(/the cached tokenizer\.json in .* is bad: it is an HTML page/);
    const hub = await hubMirror(ID, TINY);
    try {
      const clip = await loadClip({
        model: ID,
        cacheDir,
        hubUrl: hub.url,
        onProgress: false,
        onWarning: () => undefined,
      });
      expect(hub.requests.filter((r) => r.startsWith('GET'))).toEqual([
        `GET /${ID}/resolve/main/tokenizer.json`,
        `GET /${ID}/resolve/main/onnx/model.onnx`,
      ]);
      expect((await clip.embedTexts(['a photo of a cat'])).cols).toBe(16);
      await clip.dispose();
    } finally {
      await hub.close();
    }
  });
});

describe('a truncated model in the cache', () => {
  /** A cache folder holding the model's required files copied from the test model, without a manifest. */
  function cacheCopy(name: string): { cacheDir: string; dir: string } {
    const cacheDir = path.join(tmp, name);
    const dir = path.join(cacheDir, ID);
    for (const f of [...requiredClipFiles('fp32'), 'onnx/model.onnx']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.copyFileSync(path.join(TINY, f), path.join(dir, f));
    }
    return { cacheDir, dir };
  }

  test('with the manifest of its download: caught by its size on load, moved aside, fetched again', async () => {
    const { cacheDir, dir } = cacheCopy('truncated-manifest');
    const size = fs.statSync(path.join(dir, FILE)).size;
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ [FILE]: { size } }));
    fs.truncateSync(path.join(dir, FILE), 1000);
    const warnings: string[] = [];
    const hub = await hubMirror(ID, TINY);
    try {
      const clip = await loadClip({
        model: ID,
        cacheDir,
        hubUrl: hub.url,
        onProgress: false,
        onWarning: (m) => warnings.push(m),
      });
      expect(warnings[0]).toContain(
        `the cached ${FILE} in ${dir} is bad: it has 1000 bytes, but its download had ${size}`,
      );
      expect(hub.requests.filter((r) => r.startsWith('GET'))).toEqual([`GET /${ID}/resolve/main/${FILE}`]);
      expect(fs.readFileSync(path.join(dir, FILE)).equals(original())).toBe(true);
      await clip.dispose();
    } finally {
      await hub.close();
    }
  });

  test('without a manifest: onnxruntime cannot open it, so every file is checked fully and the bad one named and moved aside', async () => {
    const { cacheDir, dir } = cacheCopy('truncated-no-manifest');
    fs.truncateSync(path.join(dir, FILE), 1000);
    const err = await loadClip({ model: ID, cacheDir, hubUrl: await closedPort() }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toMatch(
      /The cached copy of course\/tiny-random-clip in .* has bad files: onnx\/vision_model\.onnx \(it is not an ONNX model \(.*\); moved to .*vision_model\.onnx\.bad-/,
    );
    expect(err.fix).toMatch(/run loadClip again with network/);
    expect(fs.existsSync(path.join(dir, FILE))).toBe(false);
  });
});

describe('loadCourseClip falls back within its own deadline, whatever the hub does', () => {
  test('a hub that stalls (with a long idle timeout): the course model after the deadline, with the banner', async () => {
    const hub = await hubMirror(ID, TINY, {
      misbehave: (file) => (file === 'onnx/text_model.onnx' ? { kind: 'stall-after', bytes: 1000 } : undefined),
    });
    const logged: string[] = [];
    try {
      const t0 = Date.now();
      const clip = await loadCourseClip({
        model: ID,
        cacheDir: path.join(tmp, 'deadline'),
        hubUrl: hub.url,
        onProgress: false,
        downloadIdleTimeoutMs: 60_000,
        deadlineMs: 1500,
        log: (m) => logged.push(m),
      });
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(clip.pretrained).toBe(false);
      expect(clip.source.dir).toBe(COURSE_FALLBACK_DIR);
      expect(logged[0]).toContain(COURSE_FALLBACK_BANNER);
      expect(logged[0]).toMatch(
        /why: Downloading onnx\/text_model\.onnx of course\/tiny-random-clip was cancelled \(loadCourseClip's deadline of 1\.5 s passed\) after 1000 of \d+ bytes/,
      );
      expect(logged[0]).toMatch(/set CLIP_MODEL_DIR/);
      await clip.dispose();
    } finally {
      await hub.close();
    }
  });

  test('a captive portal: the course model at once', async () => {
    const portal = await captivePortal();
    const logged: string[] = [];
    try {
      const clip = await loadCourseClip({
        model: ID,
        cacheDir: path.join(tmp, 'portal-2'),
        hubUrl: portal.url,
        onProgress: false,
        log: (m) => logged.push(m),
      });
      expect(clip.pretrained).toBe(false);
      expect(logged[0]).toMatch(/why: The hub at .* answered config\.json .* with an HTML page/);
      expect(logged[0]).toMatch(/captive portal, log in with a browser first/);
      await clip.dispose();
    } finally {
      await portal.close();
    }
  });
});
