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
    expect(r.stdout).toContain(
      "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends jupyter-notebook jupyter-nbconvert jupyter-nbformat python3-ipykernel'",
    );
    expect(r.stdout).toContain('JUPYTER_PYTHON');
  });

  test('JUPYTER_PYTHON pointing at nothing stops setup with what was found and the fix, no fallback', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PYTHON: '/nonexistent/python3' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('JUPYTER_PYTHON is set to /nonexistent/python3, but that cannot be run (no such file)');
    expect(r.stderr).toContain('unset JUPYTER_PYTHON');
    expect(r.stdout).not.toContain('ready in');
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  test('JUPYTER_PYTHON pointing at a Python without Jupyter names the missing modules and the fix', () => {
    // `python3 -I -S` starts without site-packages: a real Python that cannot import Jupyter
    const fs = require('fs') as typeof import('fs');
    const os = require('os') as typeof import('os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-bare-python-'));
    const bare = path.join(dir, 'python3');
    fs.writeFileSync(bare, '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n', { mode: 0o755 });
    try {
      const r = node(
        "import { findJupyterPython } from './scripts/setup.mjs';" +
          `try { findJupyterPython(undefined, { JUPYTER_PYTHON: ${JSON.stringify(bare)} }); console.log('NO ERROR'); }` +
          "catch (e) { console.log(e.constructor.name + ': ' + e.message); }",
      );
      expect(r.stdout).toContain(`SetupError: JUPYTER_PYTHON is set to ${bare} (Python 3.`);
      expect(r.stdout).toMatch(/but it cannot import: notebook, nbconvert, nbformat, nbclient, jupyter_client/);
      expect(r.stdout).toContain(`${bare} -m pip install notebook`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a second run on a set-up machine skips npm ci and kernel registration', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('installing npm dependencies');
    expect(r.stdout).not.toContain('registering the tslab kernel');
    expect(r.stdout).toMatch(/\[setup\] ready in [\d.]+ s/);
  });
});
