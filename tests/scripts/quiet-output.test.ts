// The normal output of the course's commands is quiet: no warning and no stack trace. Greps a fresh run of
// `npm run notebooks -- notebooks/00-setup.ipynb` (npm itself, setup, the Python runner, a tslab kernel started
// and shut down) for `warn`, `Error:` and stack frames, and asks npm whether any install script would make
// `npm ci` warn. (`npm start`'s output is grepped the same way by tests/scripts/start-stop.test.ts.)
// Before: npm's `Unknown project config "onnxruntime-node-install"` on every command, an allowScripts notice on
// `npm ci`, tslab's `Error: Socket is closed … EBADF` trace at every kernel shutdown, and Python's "frozen
// modules" debugger warning.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const NOISE = [/warn/i, /\bError:/, /^\s+at .+:\d+/m, /Traceback/, /Debugger warning|frozen_modules/];

/** The lines of `text` that match any noise pattern. */
const noisyLines = (text: string) => text.split('\n').filter((line) => NOISE.some((re) => re.test(line)));

test('npm run notebooks on one notebook prints no warning, error or stack trace', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-quiet-'));
  try {
    const run = () => {
      const r = spawnSync('npm', ['run', 'notebooks', '--', 'notebooks/00-setup.ipynb'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NOTEBOOKS_OUT_DIR: out },
        timeout: 240_000,
      });
      return { status: r.status, text: `${r.stdout}\n${r.stderr}` };
    };
    let r = run();
    // a lib/ file edited during the run fails a cell in tslab ("Unexpected pending rebuildTimer"): run again then
    for (let retry = 0; retry < 2 && r.status !== 0 && /Unexpected pending rebuildTimer/.test(r.text); retry++)
      r = run();
    expect(r.text).toMatch(/\[notebooks\] PASS notebooks\/00-setup\.ipynb/);
    expect(r.status).toBe(0);
    expect(noisyLines(r.text)).toEqual([]);
    // the executed copy went to the temporary folder, with its execution counts
    const executed = JSON.parse(fs.readFileSync(path.join(out, '00-setup.ipynb'), 'utf8')) as {
      cells: Array<{ cell_type: string; execution_count: number | null }>;
    };
    const counts = executed.cells.filter((c) => c.cell_type === 'code').map((c) => c.execution_count);
    expect(counts).toEqual(counts.map((_, i) => i + 1));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 600_000);

test('npm ci would run no install script that is not reviewed in package.json (no allowScripts notice)', () => {
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status).toBe(0);
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('No packages with unreviewed install scripts.');
});

test('the noise patterns catch what they are for', () => {
  // the lines this test was written against, so that a pattern that stops matching is noticed
  expect(noisyLines('npm warn Unknown project config "onnxruntime-node-install".')).toHaveLength(1);
  expect(noisyLines('Error: Socket is closed\n    at /x/node_modules/tslab/dist/jupyter.js:510:33 {')).toHaveLength(2);
  expect(noisyLines('0.00s - Debugger warning: It seems that frozen modules are being used')).toHaveLength(1);
  expect(noisyLines('[notebooks] PASS notebooks/00-setup.ipynb (11 cells, 19.4 s)')).toEqual([]);
});
