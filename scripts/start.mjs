#!/usr/bin/env node
// `npm start`: setup, then Jupyter Notebook on notebooks/, bound to 127.0.0.1, token authentication kept.
// One Ctrl-C stops the server and every kernel it started (Jupyter gets one SIGTERM; see below).
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
console.log(
  '[start] Jupyter Notebook: open the URL with ?token=… printed below; pick the "TypeScript" kernel (tslab). Ctrl-C stops it.',
);
// Jupyter runs in its own process group: a Ctrl-C in the terminal reaches npm and this script (npm passes it
// on too), never Jupyter directly. Jupyter gets exactly one SIGTERM from here, its clean stop (it shuts every
// kernel down, then exits); a second SIGINT, as before, interrupted that shutdown and left kernels running.
const child = spawn(python, args, {
  cwd: root,
  env: jupyterEnv(),
  stdio: ['ignore', 'inherit', 'inherit'],
  detached: true,
});
let stopping = false;
const stop = (signal) => {
  if (stopping) return; // the terminal's Ctrl-C and npm's forwarded copy arrive together: one stop
  stopping = true;
  console.log(`\n[start] stopping Jupyter and its kernels (${signal})…`);
  child.kill('SIGTERM');
  setTimeout(() => {
    console.log('[start] Jupyter did not stop within 30 s; killing it.');
    child.kill('SIGKILL');
  }, 30000).unref();
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
// If this script ends any other way, Jupyter (in its own group) must not outlive it.
process.on('exit', () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});
child.on('exit', (code, signal) => {
  console.log(`[start] Jupyter stopped${signal ? ` (${signal})` : ''}.`);
  process.exit(stopping ? 0 : (code ?? 1));
});
