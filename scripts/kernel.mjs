#!/usr/bin/env node
// `npm run kernel:install` / `npm run kernel:uninstall`: registers (or removes) the course's TypeScript kernel
// for the current user (Jupyter's per-user kernels folder, e.g. ~/.local/share/jupyter/kernels/tslab), so that
// JupyterLab, the VS Code Jupyter extension or any Jupyter front end lists it. The kernel is started by
// scripts/tslab-kernel, which runs tslab in the course root whatever folder the notebook was opened from, so
// notebooks import "./lib/…" and read "assets/…" as everywhere in the course.
//
//   npm run kernel:install                     # kernel "tslab", shown as "TypeScript (VLM course)"
//   npm run kernel:install -- --name vlm-ts    # another name, e.g. when you already have your own tslab
//   npm run kernel:uninstall [-- --name vlm-ts]
//
// `npm start` does not need this: it uses the project's own Jupyter folder (.jupyter/).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, findJupyterPython, kernelLauncher, SetupError } from './setup.mjs';

export const DISPLAY_NAME = 'TypeScript (VLM course)';
const log = (msg) => console.log(`[kernel] ${msg}`);

// Runs in the Jupyter Python, with the caller's environment (so the user's own Jupyter paths apply).
const PY = String.raw`
import json, os, sys, tempfile
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
action, name, launcher, spec_json = sys.argv[1:5]
ksm = KernelSpecManager()
user_dir = ksm.user_kernel_dir
existing = os.path.join(user_dir, name)
current = None
if os.path.isfile(os.path.join(existing, 'kernel.json')):
    with open(os.path.join(existing, 'kernel.json')) as f:
        current = json.load(f)
ours = bool(current) and (current.get('argv') or [''])[0].endswith(os.path.join('scripts', 'tslab-kernel'))
if action == 'install':
    if current and not ours:
        print(json.dumps({'result': 'foreign', 'dir': existing, 'argv0': (current.get('argv') or [''])[0]})); sys.exit(0)
    with tempfile.TemporaryDirectory() as td:
        os.chmod(td, 0o755)
        with open(os.path.join(td, 'kernel.json'), 'w') as f:
            f.write(spec_json)
        dest = ksm.install_kernel_spec(td, name, user=True, replace=True)
    print(json.dumps({'result': 'replaced' if current else 'installed', 'dir': dest, 'previous': (current or {}).get('argv', [''])[0]}))
else:
    if not current:
        print(json.dumps({'result': 'absent', 'dir': existing})); sys.exit(0)
    if not ours:
        print(json.dumps({'result': 'foreign', 'dir': existing, 'argv0': (current.get('argv') or [''])[0]})); sys.exit(0)
    ksm.remove_kernel_spec(name)
    print(json.dumps({'result': 'removed', 'dir': existing}))
`;

export function kernelSpec() {
  return {
    argv: [kernelLauncher, 'kernel', '--config-path', '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    // the Node.js that ran this command: front ends (VS Code) may start kernels with a PATH that has none
    env: { COURSE_NODE: process.execPath },
    metadata: { course_root: root },
  };
}

function main(argv) {
  const [action, ...rest] = argv;
  if (action !== 'install' && action !== 'uninstall') {
    throw new SetupError(
      'usage: node scripts/kernel.mjs install|uninstall [--name NAME] (npm run kernel:install / kernel:uninstall)',
    );
  }
  const nameAt = rest.indexOf('--name');
  const name = nameAt >= 0 ? rest[nameAt + 1] : 'tslab';
  if (!name || !/^[a-z0-9._-]+$/i.test(name)) {
    throw new SetupError(
      `--name ${name ?? ''}: a kernel name is letters, digits, '.', '_' or '-' (e.g. --name vlm-ts).`,
    );
  }
  if (action === 'install' && !existsSync(join(root, 'node_modules', 'tslab', 'bin', 'tslab'))) {
    throw new SetupError(
      'tslab is not installed in this course folder (node_modules/tslab). Run `npm run setup` first, then this again.',
    );
  }
  const python = findJupyterPython();
  if (!python)
    throw new SetupError('No Python with Jupyter was found. Run `npm run setup` first (it says what to install).');
  const r = spawnSync(python, ['-c', PY, action, name, kernelLauncher, JSON.stringify(kernelSpec(), null, 1)], {
    encoding: 'utf8',
    env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
  });
  if (r.status !== 0)
    throw new SetupError(`${python} could not ${action} the kernel spec: ${r.stderr.trim().split('\n').pop()}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop());
  switch (out.result) {
    case 'installed':
    case 'replaced':
      log(
        `${out.result === 'replaced' ? `replaced the course kernel from ${out.previous}; ` : ''}registered "${DISPLAY_NAME}" (kernel name ${name}) in ${out.dir}`,
      );
      log(
        `it starts in ${root}, whatever folder the notebook is in. Remove it with: npm run kernel:uninstall${name === 'tslab' ? '' : ` -- --name ${name}`}`,
      );
      return 0;
    case 'removed':
      log(`removed the kernel ${name} (${out.dir})`);
      return 0;
    case 'absent':
      log(`no kernel ${name} is registered for this user (${out.dir}); nothing to remove`);
      return 0;
    case 'foreign':
      throw new SetupError(
        `A kernel named ${name} is already registered for this user (${out.dir}) and it is not this course's ` +
          `(it starts ${out.argv0}); it was left alone.\nFix: choose another name, e.g. \`npm run kernel:${action} -- --name vlm-ts\`.`,
      );
    default:
      throw new SetupError(`unexpected answer from ${python}: ${r.stdout}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`[kernel] ${err instanceof SetupError ? err.message : err.stack}`);
    process.exitCode = 1;
  }
}
