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

const JUPYTER_MODULES = ['notebook', 'nbconvert', 'nbformat', 'nbclient', 'jupyter_client'];

/** What a Python lacks of Jupyter: { ran: false, error } when it does not start, else { ran: true, missing, version }. */
export function probePython(python) {
  const code =
    'import importlib.util, sys\n' +
    `mods = ${JSON.stringify(JUPYTER_MODULES)}\n` +
    'print(sys.version.split()[0]); print(",".join(m for m in mods if importlib.util.find_spec(m) is None))';
  const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 30000 });
  if (r.error) return { ran: false, error: r.error.code === 'ENOENT' ? 'no such file' : r.error.message };
  if (r.status !== 0)
    return { ran: false, error: `exit code ${r.status}${r.stderr ? `: ${r.stderr.trim().split('\n').pop()}` : ''}` };
  const [version = '', missing = ''] = r.stdout.trim().split('\n');
  return { ran: true, version, missing: missing ? missing.split(',') : [] };
}

function hasJupyter(python) {
  const p = probePython(python);
  return p.ran && p.missing.length === 0;
}

/**
 * The Python to run Jupyter with: $JUPYTER_PYTHON when set (it must work: a set but unusable one is an
 * error, never silently replaced), else Debian's /usr/bin/python3, else python3 on PATH.
 */
export function findJupyterPython(candidates, env = process.env) {
  if (!candidates && env.JUPYTER_PYTHON) {
    const python = env.JUPYTER_PYTHON;
    const p = probePython(python);
    if (!p.ran) {
      throw new SetupError(
        `JUPYTER_PYTHON is set to ${python}, but that cannot be run (${p.error}).\n` +
          'Fix: point it at a Python that has Jupyter, e.g. `export JUPYTER_PYTHON=/usr/bin/python3`, ' +
          'or unset it (`unset JUPYTER_PYTHON`) to let setup find or install one.',
      );
    }
    if (p.missing.length) {
      throw new SetupError(
        `JUPYTER_PYTHON is set to ${python} (Python ${p.version}), but it cannot import: ${p.missing.join(', ')}.\n` +
          `Fix: install them into that Python (\`${python} -m pip install notebook nbconvert nbformat nbclient jupyter_client\`), ` +
          "or unset JUPYTER_PYTHON (`unset JUPYTER_PYTHON`) to use Debian's packages.",
      );
    }
    return python;
  }
  return (candidates ?? ['/usr/bin/python3', 'python3']).find(hasJupyter);
}

/** Finds (or, as root, installs) Jupyter. The parameters exist so tests can play a machine without it. */
export function ensureJupyter({
  candidates,
  isRoot = typeof process.getuid === 'function' && process.getuid() === 0,
} = {}) {
  let python = findJupyterPython(candidates);
  if (python) return python;
  const installCmd = `apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;
  if (!isRoot) {
    throw new SetupError(
      'Jupyter Notebook is not installed for any Python here (looked at /usr/bin/python3 and python3 on PATH).\n' +
        "Install Debian's packages once, as an administrator, then run this command again:\n\n" +
        `    sudo sh -c '${installCmd}'\n\n` +
        'Or point JUPYTER_PYTHON at a Python that has notebook, nbconvert and nbformat installed.',
    );
  }
  log(`Jupyter not found; installing Debian's packages: ${APT_PACKAGES.join(' ')}`);
  run('sh', ['-c', installCmd], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  python = findJupyterPython(candidates);
  if (!python)
    throw new SetupError(`Installed ${APT_PACKAGES.join(' ')}, but still no Python can import notebook and nbconvert.`);
  return python;
}

// Charts (lib/plots.ts) are drawn with DejaVu Sans; without the font, librsvg falls back to whatever it finds.
const CHART_FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const FONT_PACKAGE = 'fonts-dejavu-core';

/** Installs the chart font as root when it is missing; otherwise only says how (charts still render). */
function ensureChartFont(isRoot = typeof process.getuid === 'function' && process.getuid() === 0) {
  if (existsSync(CHART_FONT_FILE)) return;
  if (!isRoot) {
    log(
      `the chart font is missing (${CHART_FONT_FILE}); charts will use a fallback font. To fix: sudo apt-get install -y ${FONT_PACKAGE}`,
    );
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
    // Python 3.11+ with debugpy (pulled in by ipykernel) warns about frozen modules at every start; the
    // debugger is not used here, so its file validation is off.
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
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
  run(
    join(root, 'node_modules', '.bin', 'tslab'),
    ['install', '--python', python, '--prefix', jupyterDir, '--binary', kernelLauncher],
    {
      cwd: root,
      env: jupyterEnv(),
    },
  );
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
