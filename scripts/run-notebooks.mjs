#!/usr/bin/env node
// `npm run notebooks [-- notebooks/NAME.ipynb …]`: executes notebooks headless with the tslab kernel and writes
// executed copies to build/notebooks/. Exit code 1 if any cell of any notebook fails.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { root, findJupyterPython, jupyterEnv, SetupError } from './setup.mjs';

export function listNotebooks() {
  return readdirSync(join(root, 'notebooks'))
    .filter((f) => f.endsWith('.ipynb'))
    .sort()
    .map((f) => join('notebooks', f));
}

/** Runs the notebooks; returns [{ notebook, ok, cell?, error?, seconds }]. */
export function runNotebooks(notebooks = listNotebooks()) {
  const python = findJupyterPython();
  if (!python) throw new Error('No Python with Jupyter: run `npm run setup` first.');
  // NOTEBOOKS_OUT_DIR: another folder for the executed copies (tests use a temporary one)
  const outDir = process.env.NOTEBOOKS_OUT_DIR
    ? resolve(process.env.NOTEBOOKS_OUT_DIR)
    : join(root, 'build', 'notebooks');
  mkdirSync(outDir, { recursive: true });
  const resultsPath = join(outDir, 'results.json');
  const r = spawnSync(python, [join(root, 'scripts', 'execute_notebooks.py'), outDir, resultsPath, ...notebooks], {
    cwd: root,
    stdio: 'inherit',
    env: jupyterEnv({ PYDEVD_DISABLE_FILE_VALIDATION: '1' }),
  });
  if (r.status !== 0) throw new Error(`the notebook runner exited with code ${r.status}`);
  return JSON.parse(readFileSync(resultsPath, 'utf8'));
}

if (process.argv[1] && process.argv[1].endsWith('run-notebooks.mjs')) {
  const args = process.argv.slice(2);
  let results;
  try {
    results = runNotebooks(args.length ? args : undefined);
  } catch (err) {
    console.error(`[notebooks] ${err instanceof SetupError ? err.message : err.stack}`);
    process.exit(1);
  }
  const failed = results.filter((r) => !r.ok).length;
  const outDir = process.env.NOTEBOOKS_OUT_DIR
    ? resolve(process.env.NOTEBOOKS_OUT_DIR)
    : join(root, 'build', 'notebooks');
  console.log(
    `\nnotebooks: ${results.length - failed} passed, ${failed} failed (executed copies in ${relative(process.cwd(), outDir) || '.'}/)`,
  );
  process.exit(failed ? 1 : 0);
}
