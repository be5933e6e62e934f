#!/usr/bin/env node
// Idempotent setup shared by `npm start`, `npm test` and `npm run notebooks`:
//   1. a Python that has Jupyter Notebook + nbconvert + nbformat (Debian's packages, installed when missing);
//   2. npm dependencies (skipped when node_modules matches package-lock.json);
//   3. the tslab kernel registered in a project-local Jupyter path (.jupyter/), started by scripts/tslab-kernel
//      so that its working directory is the course root and notebooks can import ./lib/*.ts.
// Plain JavaScript on purpose: it runs before any dependency is installed.
// A second run on a set-up machine takes a second or two.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const jupyterDir = join(root, '.jupyter');
const APT_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'jupyter-nbformat', 'python3-ipykernel'];
const KERNEL_NAME = 'tslab';

const log = (msg) => console.log(`[setup] ${msg}`);

export class SetupError extends Error {}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new SetupError(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`\`${[cmd, ...args].join(' ')}\` failed with exit code ${r.status}.`);
}

function hasJupyter(python) {
  const r = spawnSync(python, ['-c', 'import notebook, nbconvert, nbformat, nbclient, jupyter_client'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/** The Python to run Jupyter with: $JUPYTER_PYTHON, Debian's /usr/bin/python3, or python3 on PATH. */
export function findJupyterPython(candidates = [process.env.JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean)) {
  return candidates.find(hasJupyter);
}

/** Finds (or, as root, installs) Jupyter. The parameters exist so tests can play a machine without it. */
export function ensureJupyter({ candidates, isRoot = typeof process.getuid === 'function' && process.getuid() === 0 } = {}) {
  let python = findJupyterPython(candidates);
  if (python) return python;
  const installCmd = `apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;
  if (!isRoot) {
    throw new SetupError(
      'Jupyter Notebook is not installed for any Python here (looked at $JUPYTER_PYTHON, /usr/bin/python3, python3).\n' +
        'Install Debian\'s packages once, as an administrator, then run this command again:\n\n' +
        `    sudo sh -c '${installCmd}'\n\n` +
        'Or point JUPYTER_PYTHON at a Python that has notebook, nbconvert and nbformat installed.',
    );
  }
  log(`Jupyter not found; installing Debian's packages: ${APT_PACKAGES.join(' ')}`);
  run('sh', ['-c', installCmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  python = findJupyterPython(candidates);
  if (!python) throw new SetupError(`Installed ${APT_PACKAGES.join(' ')}, but still no Python can import notebook and nbconvert.`);
  return python;
}

// Charts (lib/plots.ts) are drawn with DejaVu Sans; without the font, librsvg falls back to whatever it finds.
const CHART_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const FONT_PACKAGE = 'fonts-dejavu-core';

/** Installs the chart font as root when it is missing; otherwise only says how (charts still render). */
function ensureChartFont(isRoot = typeof process.getuid === 'function' && process.getuid() === 0) {
  if (existsSync(CHART_FONT_FILE)) return;
  if (!isRoot) {
    log(`the chart font is missing (${CHART_FONT_FILE}); charts will use a fallback font. To fix: sudo apt-get install -y ${FONT_PACKAGE}`);
    return;
  }
  log(`installing the chart font (${FONT_PACKAGE})`);
  run('sh', ['-c', `apt-get update && apt-get install -y --no-install-recommends ${FONT_PACKAGE}`], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function lockHash() {
  const h = createHash('sha256');
  h.update(readFileSync(join(root, 'package-lock.json')));
  h.update(process.version);
  return h.digest('hex');
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.course-setup-stamp');
  const want = lockHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return false;
  log('installing npm dependencies (npm ci)…');
  // ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install step would download CUDA binaries; the CPU
  // runtime is inside the package. @tensorflow/tfjs-node is optional: offline its install fails and npm drops it.
  run('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  writeFileSync(stamp, want);
  return true;
}

export function jupyterEnv(extra = {}) {
  return {
    ...process.env,
    JUPYTER_PATH: join(jupyterDir, 'share', 'jupyter'),
    JUPYTER_DATA_DIR: join(jupyterDir, 'data'),
    JUPYTER_CONFIG_DIR: join(jupyterDir, 'config'),
    JUPYTER_RUNTIME_DIR: join(jupyterDir, 'runtime'),
    IPYTHONDIR: join(jupyterDir, 'ipython'),
    ...extra,
  };
}

export const kernelLauncher = join(root, 'scripts', 'tslab-kernel');
const kernelJson = join(jupyterDir, 'share', 'jupyter', 'kernels', KERNEL_NAME, 'kernel.json');

function ensureKernel(python) {
  chmodSync(kernelLauncher, 0o755);
  if (existsSync(kernelJson)) {
    try {
      const spec = JSON.parse(readFileSync(kernelJson, 'utf8'));
      if (spec.argv?.[0] === kernelLauncher) return false;
    } catch {
      /* rewrite below */
    }
  }
  log(`registering the tslab kernel in ${join(jupyterDir, 'share', 'jupyter')}`);
  mkdirSync(jupyterDir, { recursive: true });
  run(join(root, 'node_modules', '.bin', 'tslab'), ['install', '--python', python, '--prefix', jupyterDir, '--binary', kernelLauncher], {
    cwd: root,
    env: jupyterEnv(),
  });
  if (!existsSync(kernelJson)) throw new SetupError(`tslab install ran but ${kernelJson} is missing.`);
  return true;
}

/** Runs every step; returns the Python that has Jupyter. */
export function setup() {
  const t0 = Date.now();
  const python = ensureJupyter();
  ensureChartFont();
  ensureNodeModules();
  ensureKernel(python);
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (Python with Jupyter: ${python})`);
  return python;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    setup();
  } catch (err) {
    console.error(`\n[setup] ${err instanceof SetupError ? err.message : err.stack}`);
    process.exit(1);
  }
}
