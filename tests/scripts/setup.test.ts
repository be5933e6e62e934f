// scripts/setup.mjs: idempotent, and a clear message with the exact command when Jupyter is missing and
// the user cannot install it.
import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');

function node(code: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
}

describe('setup', () => {
  test('without Jupyter and without root, setup stops with the exact apt command', () => {
    const r = node(
      "import { ensureJupyter } from './scripts/setup.mjs';" +
        "try { ensureJupyter({ candidates: ['/nonexistent/python3'], isRoot: false }); console.log('NO ERROR'); }" +
        "catch (e) { console.log(e.constructor.name + ': ' + e.message); }",
    );
    expect(r.stdout).toContain('SetupError: Jupyter Notebook is not installed');
    expect(r.stdout).toContain("sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends jupyter-notebook jupyter-nbconvert jupyter-nbformat python3-ipykernel'");
    expect(r.stdout).toContain('JUPYTER_PYTHON');
  });

  test('a second run on a set-up machine skips npm ci and kernel registration', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('installing npm dependencies');
    expect(r.stdout).not.toContain('registering the tslab kernel');
    expect(r.stdout).toMatch(/\[setup\] ready in [\d.]+ s/);
  });
});
