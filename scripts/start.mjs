#!/usr/bin/env node
// `npm start`: setup, then Jupyter Notebook on notebooks/, bound to 127.0.0.1, token authentication kept.
// Ctrl-C stops the server cleanly (one press: Jupyter only asks "Shutdown? (y/[n])" when its stdin is a
// terminal, so it gets none here and shuts its kernels down at once).
// Extra arguments go to Jupyter, e.g. `npm start -- --no-browser --port 8899`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root, setup, SetupError, jupyterEnv } from './setup.mjs';

let python;
try {
  python = setup();
} catch (err) {
  console.error(`\n[setup] ${err instanceof SetupError ? err.message : err.stack}`);
  process.exit(1);
}

const args = ['-m', 'notebook', `--notebook-dir=${join(root, 'notebooks')}`, '--ip=127.0.0.1'];
// Jupyter refuses to run as root unless told; containers and CI run as root.
if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
args.push(...process.argv.slice(2));
console.log('[start] Jupyter Notebook: open the URL with ?token=… printed below; pick the "TypeScript" kernel (tslab). Ctrl-C stops it.');
const child = spawn(python, args, { cwd: root, env: jupyterEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n[start] stopping Jupyter (${signal})…`);
  child.kill('SIGINT');
  setTimeout(() => child.kill('SIGTERM'), 10000).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
child.on('exit', (code, signal) => {
  console.log(`[start] Jupyter stopped${signal ? ` (${signal})` : ''}.`);
  process.exit(stopping ? 0 : code ?? 1);
});
