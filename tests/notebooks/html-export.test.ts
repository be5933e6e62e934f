/**
 * Notebook 01, executed headless and exported with `jupyter nbconvert --to html`, opened in a real browser:
 * Debian's Chromium (installed by scripts/ensure-chromium.mjs when missing, no browser download), driven over
 * the DevTools protocol. Every chart must be in the page as an image that loaded and has a non-zero size.
 *
 * The same executed notebook then goes through `npm run site` (scripts/build-site.mjs): every page of the site
 * and its index open in Chromium with no console error, no broken image and no request outside the site folder.
 *
 * Takes about a minute (the notebook run is most of it); the first run on a fresh machine also installs Chromium.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const NOTEBOOK = 'notebooks/01-shared-embedding-space.ipynb';

interface PageImage {
  naturalWidth: number;
  naturalHeight: number;
  width: number;
  height: number;
  visible: boolean;
  isDataPng: boolean;
}
interface PageReport {
  readyState: string;
  images: PageImage[];
  plotlyLoaded: boolean;
  plotlyViews: number;
  plotlyViewsDrawn: number;
}

/**
 * Runs in a child Node (with --experimental-websocket on Node 20): starts Chromium headless on the file,
 * waits for the page and its images to load, measures every image in an output area with the DevTools
 * protocol (Runtime.evaluate), prints the report as JSON, and stops Chromium.
 */
const CDP_SCRIPT = String.raw`
const { spawn } = require('child_process');
const [chromium, url, profile] = process.argv.slice(-3);
const browser = spawn(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--user-data-dir=' + profile,
  '--remote-debugging-port=0', '--window-size=1280,1000', url], { stdio: ['ignore', 'ignore', 'pipe'] });
const fail = (m) => { console.error(m); browser.kill('SIGKILL'); process.exit(1); };
setTimeout(() => fail('timed out after 90 s'), 90000).unref();
let stderr = '';
browser.stderr.on('data', async (d) => {
  stderr += d;
  const m = /DevTools listening on (ws:\/\/[^\s]+)/.exec(stderr);
  if (!m || browser.found) return;
  browser.found = true;
  try {
    const port = new URL(m[1]).port;
    let page;
    for (let i = 0; i < 100 && !page; i++) {
      const list = await (await fetch('http://127.0.0.1:' + port + '/json/list')).json();
      page = list.find((t) => t.type === 'page' && t.url.startsWith('file:'));
      if (!page) await new Promise((r) => setTimeout(r, 100));
    }
    if (!page) fail('no page target for ' + url);
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error('websocket error')); });
    let id = 0;
    const pending = new Map();
    ws.onmessage = (e) => { const msg = JSON.parse(e.data); if (pending.has(msg.id)) { pending.get(msg.id)(msg); pending.delete(msg.id); } };
    const evaluate = (expression) => new Promise((res) => {
      const n = ++id;
      pending.set(n, (msg) => res(msg.result && msg.result.result ? msg.result.result.value : undefined));
      ws.send(JSON.stringify({ id: n, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }));
    });
    // location.protocol: the target exists before the file's document replaces the initial blank one
    const done = '(location.protocol === "file:" && document.readyState === "complete" && Array.from(document.images).every((i) => i.complete))';
    for (let i = 0; i < 300 && !(await evaluate(done)); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // let the Plotly script draw
    const report = await evaluate('(' + (() => {
      const outputs = Array.from(document.querySelectorAll('img')).filter((img) => img.closest('.jp-OutputArea-output, .output_png, .output_area'));
      return JSON.stringify({
        readyState: document.readyState,
        images: outputs.map((img) => {
          const r = img.getBoundingClientRect();
          const style = getComputedStyle(img);
          return { naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, width: r.width, height: r.height,
            visible: style.display !== 'none' && style.visibility !== 'hidden' && style.opacity !== '0',
            isDataPng: img.src.startsWith('data:image/png;base64,') };
        }),
        plotlyLoaded: typeof window.Plotly === 'object' && typeof window.Plotly.newPlot === 'function',
        plotlyViews: document.querySelectorAll('.vlm-plotly-3d').length,
        plotlyViewsDrawn: document.querySelectorAll('.vlm-plotly-3d.js-plotly-plot').length,
      });
    }).toString() + ')()');
    console.log(report);
    ws.close();
    // Wait for the browser to be gone before exiting, so the test can remove its profile folder.
    browser.on('exit', () => process.exit(0));
    browser.kill('SIGKILL');
  } catch (err) { fail(String(err && err.stack || err)); }
});
browser.on('exit', (code) => { if (!browser.found) fail('chromium exited (' + code + ') before DevTools started:\n' + stderr.slice(-2000)); });
`;

/** The Python with Jupyter and the project-local Jupyter environment, from scripts/setup.mjs. */
function jupyterSetup(): { python: string; env: NodeJS.ProcessEnv } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e',
    "import { findJupyterPython, jupyterEnv } from './scripts/setup.mjs';" +
    "console.log(JSON.stringify({ python: findJupyterPython(), env: jupyterEnv({ PYDEVD_DISABLE_FILE_VALIDATION: '1' }) }));"],
  { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not read the Jupyter setup: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  if (!out.python) throw new Error('No Python with Jupyter: run `npm run setup` first.');
  return out;
}

type NotebookOutput = { output_type: string; data?: Record<string, unknown>; metadata?: Record<string, { width?: number }> };

/** Chromium's helper processes can write into a profile for a moment after the browser is gone: retry for 10 s. */
function removeProfile(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    } catch (err) {
      if (attempt >= 20) throw err;
      spawnSync('sleep', ['0.5']);
    }
  }
}

let workDir = '';
let chromium = '';
let executed: { cells: Array<{ cell_type?: string; source?: string | string[]; outputs?: NotebookOutput[] }> };
const sourceText = (src: string | string[] | undefined) => (Array.isArray(src) ? src.join('') : src ?? '');
let report: PageReport;
interface SitePage {
  url: string;
  title: string;
  requests: string[];
  failed: Array<{ url: string; error: string }>;
  consoleErrors: string[];
  images: Array<{ src: string; complete: boolean; naturalWidth: number; naturalHeight: number }>;
  plotlyViews: number;
  plotlyViewsDrawn: number;
  mathJax: boolean;
  links: string[];
}
let siteDir = '';
let site: SitePage[] = [];
let siteBuild = '';

beforeAll(() => {
  const install = spawnSync(process.execPath, ['scripts/ensure-chromium.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (install.status !== 0) {
    throw new Error(`Chromium is needed for this test and is not available:\n${install.stderr || install.stdout}`);
  }
  chromium = install.stdout.trim().split('\n').pop()!;
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-html-export-'));
  const { python, env } = jupyterSetup();

  // 1. execute the notebook headless (into the temp folder: build/ belongs to `npm run notebooks`)
  const results = path.join(workDir, 'results.json');
  const execute = () => {
    fs.rmSync(results, { force: true });
    const run = spawnSync(python, ['scripts/execute_notebooks.py', workDir, results, NOTEBOOK], { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 });
    return fs.existsSync(results) ? JSON.parse(fs.readFileSync(results, 'utf8'))[0] : { ok: false, error: run.stderr || run.error?.message };
  };
  let result = execute();
  // tslab watches the lib/ files a notebook imports and fails the next cell ("Unexpected pending rebuildTimer")
  // when one changes on disk during the run, as happens while editing lib/: run again (up to 3 times) in that case only.
  for (let retry = 0; retry < 3 && !result.ok && /Unexpected pending rebuildTimer/.test(String(result.error)); retry++) result = execute();
  if (!result.ok) throw new Error(`${NOTEBOOK} failed at cell ${result.cell}: ${result.error}`);
  const executedPath = path.join(workDir, path.basename(NOTEBOOK));
  executed = JSON.parse(fs.readFileSync(executedPath, 'utf8'));

  // 2. export it to HTML, as a learner would
  const convert = spawnSync(python, ['-m', 'nbconvert', '--to', 'html', '--output-dir', workDir, '--output', 'export', executedPath],
    { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  if (convert.status !== 0) throw new Error(`nbconvert --to html failed: ${convert.stderr}`);

  // 3. open the export in headless Chromium and measure its images
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-chromium-profile-'));
  try {
    const page = spawnSync(process.execPath, ['--experimental-websocket', '-e', CDP_SCRIPT, chromium, `file://${path.join(workDir, 'export.html')}`, profile],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (page.status !== 0) throw new Error(`driving Chromium failed: ${page.stderr}`);
    report = JSON.parse(page.stdout.trim().split('\n').pop()!);
    if (process.env.HTML_EXPORT_DEBUG) console.log(JSON.stringify(report, null, 1));
  } finally {
    // Chromium's helper processes can still be writing into the profile for a moment after the browser is killed.
    fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  }

  // 4. `npm run site` on the executed notebook, then every page of the site in Chromium
  siteDir = path.join(workDir, 'site');
  const build = spawnSync(process.execPath, ['scripts/build-site.mjs', '--from', workDir, '--to', siteDir], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  siteBuild = build.stdout + build.stderr;
  if (build.status !== 0) throw new Error(`npm run site failed: ${siteBuild}`);
  const pages = ['index.html', ...fs.readdirSync(siteDir).filter((f) => f.endsWith('.html') && f !== 'index.html').sort()];
  const siteProfile = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-chromium-profile-'));
  try {
    const check = spawnSync(process.execPath, ['--experimental-websocket', path.join(ROOT, 'tests', 'support', 'site-check.cjs'), chromium, siteProfile,
      ...pages.map((p) => `file://${path.join(siteDir, p)}`)], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    if (check.status !== 0) throw new Error(`driving Chromium over the site failed (${check.error?.message ?? `exit ${check.status ?? check.signal}`}): ${check.stderr}`);
    site = JSON.parse(check.stdout.trim().split('\n').pop()!).pages;
  } finally {
    removeProfile(siteProfile);
  }
}, 600_000);

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

const pngOutputs = () =>
  executed.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.output_type === 'display_data' && o.data && 'image/png' in o.data);

test('the executed notebook has a PNG output for every chart type it draws', () => {
  const kinds = new Set(pngOutputs().map((o) => /^\[([a-z0-9-]+)\]/.exec(String(o.data!['text/plain']))?.[1]).filter(Boolean));
  for (const kind of ['similarity-heatmap', 'probability-bars', 'projection-scatter', 'scatter-3d-static']) expect(kinds).toContain(kind);
  // the Vega-Lite spec travels with each chart's PNG
  const charts = pngOutputs().filter((o) => 'application/vnd.vegalite.v5+json' in o.data!);
  expect(charts.length).toBeGreaterThanOrEqual(10);
});

test('in Chromium, every chart of the HTML export is a loaded image with a non-zero size', () => {
  expect(report.readyState).toBe('complete');
  const expected = pngOutputs();
  expect(report.images).toHaveLength(expected.length);
  report.images.forEach((img, i) => {
    expect(img.isDataPng).toBe(true);
    expect(img.visible).toBe(true);
    expect(img.naturalWidth).toBeGreaterThan(0);
    expect(img.naturalHeight).toBeGreaterThan(0);
    expect(img.width).toBeGreaterThan(50);
    expect(img.height).toBeGreaterThan(50);
    const shownWidth = expected[i].metadata?.['image/png']?.width;
    if (shownWidth) expect(Math.abs(img.width - shownWidth)).toBeLessThanOrEqual(1); // a 2× PNG shown at its CSS size
  });
});

test('the interactive 3-D view works in the export without any network: plotly.js is inline and draws', () => {
  expect(report.plotlyLoaded).toBe(true);
  expect(report.plotlyViews).toBeGreaterThanOrEqual(1);
  expect(report.plotlyViewsDrawn).toBe(report.plotlyViews);
});

describe('npm run site', () => {
  const page01 = () => site.find((p) => p.url.endsWith('/01-shared-embedding-space.html'))!;

  test('renders every executed notebook, with an index that follows the chapter: title, sections, links', () => {
    expect(siteBuild).toMatch(/\[site\] 1 page\(s\) and index\.html/);
    expect(site.map((p) => path.basename(p.url))).toEqual(['index.html', '01-shared-embedding-space.html']);
    const index = fs.readFileSync(path.join(siteDir, 'index.html'), 'utf8');
    const firstHeading = /^#\s+(.+)$/m.exec(sourceText(executed.cells[0].source))![1].trim();
    expect(index).toContain(`<a class="title" href="01-shared-embedding-space.html">${firstHeading.replace(/&/g, '&amp;')}</a>`);
    expect(page01().title).toBe(firstHeading);
    // every section link of the index lands on a heading of its page
    const html01 = fs.readFileSync(path.join(siteDir, '01-shared-embedding-space.html'), 'utf8');
    const sectionLinks = [...index.matchAll(/href="01-shared-embedding-space\.html#([^"]+)"/g)].map((m) => m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    const markdownH2 = executed.cells.filter((c) => c.cell_type === 'markdown')
      .flatMap((c) => sourceText(c.source).split('\n').filter((l) => /^##\s/.test(l)));
    expect(sectionLinks.length).toBe(markdownH2.length);
    expect(sectionLinks.length).toBeGreaterThan(2);
    for (const id of sectionLinks) expect(html01).toContain(`<h2 id="${id.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
    const index1 = site[0];
    expect(index1.links.filter((l) => l.includes('01-shared-embedding-space.html#')).length).toBe(sectionLinks.length);
  });

  test('every page loads in Chromium with no console error, no failed load and no request outside the site folder', () => {
    for (const p of site) {
      const outside = p.requests.filter((u) => !u.startsWith(`file://${siteDir}/`) && !u.startsWith('data:') && !u.startsWith('blob:') && u !== 'about:blank');
      expect({ page: path.basename(p.url), consoleErrors: p.consoleErrors, failed: p.failed, outside }).toEqual({ page: path.basename(p.url), consoleErrors: [], failed: [], outside: [] });
      expect(p.requests.length).toBeGreaterThan(0);
    }
    // the page's own scripts were among them: plotly.js from the site, MathJax when Debian's is installed
    expect(page01().requests).toContain(`file://${path.join(siteDir, 'plotly.min.js')}`);
    if (fs.existsSync('/usr/share/javascript/mathjax/MathJax.js')) expect(page01().mathJax).toBe(true);
  });

  test('no broken image: every chart is a loaded picture', () => {
    const p = page01();
    expect(p.images.length).toBeGreaterThanOrEqual(pngOutputs().length);
    for (const img of p.images) expect(img).toMatchObject({ complete: true, naturalWidth: expect.any(Number) });
    expect(p.images.filter((img) => img.naturalWidth === 0 || img.naturalHeight === 0)).toEqual([]);
  });

  test('the Plotly 3-D view draws offline from the copy of plotly.js in the site (not inlined in the page)', () => {
    const p = page01();
    expect(p.plotlyViews).toBeGreaterThanOrEqual(1);
    expect(p.plotlyViewsDrawn).toBe(p.plotlyViews);
    const html = fs.readFileSync(path.join(siteDir, '01-shared-embedding-space.html'), 'utf8');
    expect(html).toContain('<script type="text/javascript" src="plotly.min.js"></script>');
    expect(fs.statSync(path.join(siteDir, '01-shared-embedding-space.html')).size).toBeLessThan(fs.statSync(path.join(siteDir, 'plotly.min.js')).size);
  });

  test('without executed notebooks, npm run site says what to run first', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-no-notebooks-'));
    try {
      const r = spawnSync(process.execPath, ['scripts/build-site.mjs', '--from', empty, '--to', path.join(empty, 'site')], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`[site] No executed notebooks in ${empty}. Run the notebooks first: \`npm run notebooks\``);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
