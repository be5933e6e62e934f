// `npm start` end to end: the server listens on 127.0.0.1 with token authentication, lists the notebooks,
// and a TypeScript kernel started through its REST API runs a cell that imports from lib/.
// Ctrl-C (SIGINT) stops the server and its kernels.
import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const port = 18800 + Math.floor(Math.random() * 1000);
let server: ChildProcess;
let log = '';
let base = '';
let token = '';

async function waitFor<T>(what: string, fn: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; server output:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  server = spawn(
    process.execPath,
    [path.join(root, 'scripts', 'start.mjs'), '--no-browser', `--port=${port}`, '--port-retries=0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  const url = await waitFor(
    'the server URL with a token',
    () => log.match(/(http:\/\/[^\s/]+:\d+)\/\?token=([0-9a-f]+)/) ?? undefined,
    60000,
  );
  base = url[1];
  token = url[2];
}, 90000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});

describe('npm start', () => {
  test('binds to 127.0.0.1 and keeps token authentication', async () => {
    expect(base).toBe(`http://127.0.0.1:${port}`);
    const anonymous = await fetch(`${base}/api/contents`);
    expect(anonymous.status).toBe(403);
    const listing = await fetch(`${base}/api/contents?token=${token}`);
    expect(listing.status).toBe(200);
    const names = ((await listing.json()) as { content: { name: string }[] }).content.map((c) => c.name);
    expect(names).toContain('00-setup.ipynb');
  });

  test('a TypeScript kernel runs a cell that imports from lib/', async () => {
    const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as {
      kernelspecs: Record<string, unknown>;
    };
    expect(Object.keys(specs.kernelspecs)).toContain('tslab');
    const started = await fetch(`${base}/api/kernels?token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ name: 'tslab' }),
    });
    expect(started.status).toBe(201);
    const kernel = (await started.json()) as { id: string };
    const code = "import { initBackend } from './lib/course/index';\nconsole.log('BACKEND=' + (await initBackend()));";
    const r = spawnSync(
      process.execPath,
      [
        '--experimental-websocket',
        path.join(__dirname, '..', 'support', 'kernel-exec.mjs'),
        base,
        token,
        kernel.id,
        code,
      ],
      {
        encoding: 'utf8',
        timeout: 90000,
      },
    );
    const result = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      status: string;
      stdout: string;
      stderr: string;
    };
    expect(result).toMatchObject({ status: 'ok' });
    expect(result.stdout).toMatch(/BACKEND=(tensorflow|wasm|cpu)/);
  }, 120000);

  test('SIGINT (Ctrl-C) stops the server cleanly', async () => {
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(log).toMatch(/Shutting down \d+ kernel/);
    await expect(fetch(`${base}/api/contents?token=${token}`)).rejects.toThrow();
  }, 30000);
});
