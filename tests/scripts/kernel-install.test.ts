// `npm run kernel:install` / `kernel:uninstall` with a temporary HOME (the real user's Jupyter folders are never
// touched): Jupyter's kernelspec list shows the course kernel, a kernel started from that spec in a folder outside
// the course runs a cell that imports ./lib/course/index (it works in the course root), and uninstall removes it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
let home = '';
let elsewhere = '';
let env: NodeJS.ProcessEnv = {};
let python = '';

// The `jupyter kernelspec` command (Debian: package jupyter-client) runs this module; it may not be installed.
const kernelspecList = () =>
  spawnSync(python, ['-m', 'jupyter_client.kernelspecapp', 'list'], { env, encoding: 'utf8' });
const course = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'kernel.mjs'), ...args], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });

// Starts the kernel by name with jupyter_client, as JupyterLab or VS Code do, with `cwd` as the notebook's folder.
const START_AND_RUN = String.raw`
import json, sys
from jupyter_client.manager import start_new_kernel
name, cwd, code = sys.argv[1:4]
km, kc = start_new_kernel(kernel_name=name, cwd=cwd, startup_timeout=120)
out = []
def hook(msg):
    if msg['msg_type'] == 'stream':
        out.append(msg['content']['text'])
try:
    reply = kc.execute_interactive(code, output_hook=hook, timeout=120)
    print(json.dumps({'status': reply['content']['status'], 'out': ''.join(out)}))
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=False)
`;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-home-'));
  elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'vlm-notebooks-elsewhere-'));
  env = { ...process.env, HOME: home, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  for (const k of [
    'JUPYTER_PATH',
    'JUPYTER_DATA_DIR',
    'JUPYTER_CONFIG_DIR',
    'JUPYTER_RUNTIME_DIR',
    'IPYTHONDIR',
    'XDG_DATA_HOME',
    'XDG_RUNTIME_DIR',
  ])
    delete env[k];
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { findJupyterPython } from './scripts/setup.mjs'; console.log(findJupyterPython());",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  python = r.stdout.trim().split('\n').pop()!;
  if (r.status !== 0 || !python) throw new Error(`No Python with Jupyter: run \`npm run setup\` first. ${r.stderr}`);
});

afterAll(() => {
  for (const dir of [home, elsewhere]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('kernel:install registers the course kernel for the user; Jupyter lists it', () => {
  expect(kernelspecList().stdout).not.toMatch(/^\s*tslab\s/m);
  const install = course('install');
  expect(install.stderr).toBe('');
  expect(install.status).toBe(0);
  const dir = path.join(home, '.local', 'share', 'jupyter', 'kernels', 'tslab');
  expect(install.stdout).toContain(`registered "TypeScript (VLM course)" (kernel name tslab) in ${dir}`);
  const list = kernelspecList();
  expect(list.status).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`^\\s*tslab\\s+${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
  expect(spec.argv[0]).toBe(path.join(ROOT, 'scripts', 'tslab-kernel'));
  expect(spec.env.COURSE_NODE).toBe(process.execPath);
  // a second install replaces its own spec, quietly
  expect(course('install').status).toBe(0);
});

test('a kernel started from it in another folder works in the course root and imports ./lib', () => {
  const code =
    "import { COURSE_ROOT } from './lib/course/index';\n" +
    "import * as fs from 'fs';\n" +
    "console.log(`ROOT=${COURSE_ROOT} CWD=${process.cwd()} ASSET=${fs.existsSync('assets/images/chelsea.png')}`);";
  const r = spawnSync(python, ['-c', START_AND_RUN, 'tslab', elsewhere, code], {
    cwd: elsewhere,
    env,
    encoding: 'utf8',
    timeout: 200_000,
  });
  const result = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
  expect({ result, stderr: r.status === 0 ? '' : r.stderr }).toEqual({
    result: { status: 'ok', out: `ROOT=${ROOT} CWD=${ROOT} ASSET=true\n` },
    stderr: '',
  });
}, 240_000);

test("kernel:install leaves someone else's kernel of the same name alone and says how to proceed", () => {
  const other = path.join(home, 'other-data');
  const foreign = path.join(other, 'kernels', 'tslab');
  fs.mkdirSync(foreign, { recursive: true });
  fs.writeFileSync(
    path.join(foreign, 'kernel.json'),
    JSON.stringify({ argv: ['/usr/local/bin/tslab', 'kernel'], display_name: 'TypeScript', language: 'typescript' }),
  );
  const saved = env;
  env = { ...env, JUPYTER_DATA_DIR: other };
  try {
    const r = course('install');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `A kernel named tslab is already registered for this user (${foreign}) and it is not this course's (it starts /usr/local/bin/tslab); it was left alone.`,
    );
    expect(r.stderr).toContain('npm run kernel:install -- --name vlm-ts');
    expect(JSON.parse(fs.readFileSync(path.join(foreign, 'kernel.json'), 'utf8')).argv[0]).toBe('/usr/local/bin/tslab');
  } finally {
    env = saved;
  }
});

test('kernel:uninstall removes it; a second uninstall has nothing to remove', () => {
  const r = course('uninstall');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('removed the kernel tslab');
  expect(kernelspecList().stdout).not.toMatch(/^\s*tslab\s/m);
  expect(fs.existsSync(path.join(home, '.local', 'share', 'jupyter', 'kernels', 'tslab'))).toBe(false);
  const again = course('uninstall');
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('nothing to remove');
});
