// Issue 14's faults, each put into one exercise of a temporary exercise folder graded by the real CLI
// (scripts/grade.ts --dir): every fault gets its plain-words verdict, the run ends in bounded time, the course's
// files are untouched, no process is left behind, and the exercises around the faults (solved "witnesses")
// still pass. The faults are spread over as many folders as needed (one fault per exercise), graded in parallel.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listExercises } from '../../lib/learner/catalog';
import { grade } from '../../lib/learner/grade';
import { RUN_DIR_ENV } from '../../lib/learner/sandbox';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor } from '../../lib/learner/stubs';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const exercises = listExercises(root).map((e) => e.name);
const solution = (name: string) => readFileSync(join(root, 'solutions', `${name}.ts`), 'utf8');
// A solved exercise that imports no other passes on its own: it witnesses that faults elsewhere change nothing
// (one per folder keeps the folders, and so the CLI runs, few: two for the sixteen faults).
const witnesses = exercises.filter((name) => !/from '\.\/\d\d-/.test(solution(name))).slice(0, 1);
const slots = exercises.filter((name) => !witnesses.includes(name));

// Files a fault tries to change; compared byte for byte afterwards.
const firstSolution = join(root, 'solutions', `${exercises[0]}.ts`);
const firstTest = join(root, 'tests', 'exercises', `${exercises[0]}.test.ts`);
const realExercise = join(root, 'exercises', `${exercises[exercises.length - 1]}.ts`);
const newFile = join(root, 'tests', `runner-faults-${process.pid}.txt`);
const guarded = [firstSolution, firstTest, realExercise];
const digest = (file: string) =>
  existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'absent';

interface Fault {
  name: string;
  /** 'call': replaces the first NotImplementedError throw; 'load': goes on top of the file. */
  where: 'call' | 'load';
  code: string;
  verdict: RegExp;
}

const FAULTS: Fault[] = [
  {
    name: 'detached child with inherited stdio',
    where: 'call',
    code: "require('node:child_process').spawn('sleep', ['1003'], { detached: true, stdio: 'inherit' }).unref();",
    verdict: /tried to start a process \(child_process\); starting processes is not allowed in exercises/,
  },
  {
    name: "execSync('sleep 20')",
    where: 'call',
    code: "require('node:child_process').execSync('sleep 20');",
    verdict: /tried to start a process \(child_process\); starting processes is not allowed in exercises/,
  },
  {
    name: 'SIGKILL of itself',
    where: 'call',
    code: "process.kill(process.pid, 'SIGKILL');",
    verdict: /killed its own process \(SIGKILL\) while running \w+\(.*\); an exercise must return its answer instead/,
  },
  {
    name: 'overwrite a solution',
    where: 'call',
    code: `require('node:fs').writeFileSync(${JSON.stringify(firstSolution)}, 'pwned');`,
    verdict: new RegExp(
      `tried to write the file ${firstSolution.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}; writing files is not allowed in exercises`,
    ),
  },
  {
    name: 'overwrite an exercise',
    where: 'call',
    code: `require('node:fs').appendFileSync(${JSON.stringify(realExercise)}, '// pwned');`,
    verdict: /tried to write the file .*; writing files is not allowed in exercises/,
  },
  {
    name: 'write a test file while loading',
    where: 'load',
    code: `require('node:fs').writeFileSync(${JSON.stringify(newFile)}, 'pwned');`,
    verdict: /tried to write the file .*runner-faults-\d+\.txt; writing files is not allowed in exercises/,
  },
  {
    name: '2 GB of Buffers',
    where: 'call',
    code: 'const keep: Buffer[] = [];\n  for (let i = 0; i < 8; i++) keep.push(Buffer.allocUnsafeSlow(256 * 1024 * 1024));\n  console.log(keep.length);',
    verdict: /used more than 1024 MiB of memory and was stopped/,
  },
  {
    name: '50 MB to stdout',
    where: 'call',
    code: "process.stdout.write('x'.repeat(50 * 1024 * 1024));",
    verdict: /printed more than 1 MB and was stopped/,
  },
  {
    name: 'endless loop while loading',
    where: 'load',
    code: 'let spin = 0;\nwhile (spin >= 0) spin = (spin + 1) % 7;',
    verdict: /did not finish loading within 1 s and was stopped/,
  },
  {
    name: 'endless loop in a call',
    where: 'call',
    code: 'for (let i = 0; i >= 0; i = (i + 1) % 5) {}',
    verdict: /did not finish within 1 s and was stopped/,
  },
  {
    name: 'process.reallyExit while loading',
    where: 'load',
    code: '(process as unknown as { reallyExit(code: number): void }).reallyExit(3);',
    verdict: /called process\.exit\(3\) \(or otherwise ended its own process\) while loading/,
  },
  {
    name: 'process.exit in a call',
    where: 'call',
    code: 'process.exit(0);',
    verdict: /called process\.exit\(0\) \(or otherwise ended its own process\) while running/,
  },
  {
    name: 'SIGKILL to its parent and to every process',
    where: 'call',
    code: "try { process.kill(-1, 'SIGKILL'); } catch { /* refused */ }\n  process.kill(process.ppid, 'SIGKILL');",
    verdict: /tried to send a signal to process \d+; signalling other processes is not allowed in exercises/,
  },
  {
    name: 'a worker thread',
    where: 'call',
    code: "new (require('node:worker_threads').Worker)('1', { eval: true });",
    verdict: /tried to start a worker thread; worker threads are not allowed in exercises/,
  },
  {
    name: 'read a solution',
    where: 'call',
    code: `console.log(require('node:fs').readFileSync(${JSON.stringify(firstSolution)}, 'utf8').length);`,
    verdict: /tried to read the file .*; reading files outside the exercise folder is not allowed in exercises/,
  },
  {
    name: 'patch vm.runInContext and the typed-array iterator (on a stub)',
    where: 'load',
    code: "require('node:vm').runInContext = () => { throw new Error('patched'); };\nObject.defineProperty(Object.getPrototypeOf(Uint8Array).prototype, Symbol.iterator, { value: function* () { yield 42; } });",
    verdict: /not started/,
  },
];

function withFault(name: string, fault: Fault): string {
  const stub = stubFor(root, name);
  if (fault.where === 'load') {
    const end = stub.indexOf("import { NotImplementedError } from './not-implemented';");
    return `${stub.slice(0, end)}${fault.code}\n${stub.slice(end)}`;
  }
  const at = /^(\s*)throw new NotImplementedError\([^)]*\);$/m.exec(stub);
  if (!at) throw new Error(`fixture: no NotImplementedError throw in the stub of ${name}`);
  return stub.replace(at[0], `${at[1]}${fault.code}\n${at[1]}throw new Error('the fault did not stop the call');`);
}

/** Every file of `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) files[name] = readFileSync(join(dir, name), 'utf8');
  return files;
}

/** The lines of the report about one exercise. */
function block(report: string, name: string): string {
  const lines = report.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^  \\S ${name}\\b`).test(l));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && (/^ {2}\S /.test(l) || l === ''));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Processes whose command line mentions `marker` (the run folder every learner process of a run lives in). */
function processesWith(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}
const sleepers = () => processesWith('sleep 1003').length;

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'runner-faults-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(newFile, { force: true });
});

function gradeFolder(dir: string, runDir: string): Promise<{ out: string; ms: number; status: number | null }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [tsx, join(root, 'scripts', 'grade.ts'), '--dir', dir, '--timeout', '1000', '--deadline', '120000'],
      {
        cwd: root,
        env: { ...process.env, FORCE_COLOR: '0', [RUN_DIR_ENV]: runDir },
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (status) => resolve({ out, ms: Date.now() - t0, status }));
  });
}

test.concurrent(
  'every fault of issue 14 gets its verdict; the course is untouched, nothing is left running, other grades unchanged',
  async () => {
    expect(witnesses.length).toBe(1);
    const before = Object.fromEntries(guarded.map((f) => [f, digest(f)]));
    const sleepersBefore = sleepers();
    // One folder per group of faults, one fault per exercise slot; the witnesses are solved in every folder.
    const groups: Fault[][] = [];
    for (let i = 0; i < FAULTS.length; i += slots.length) groups.push(FAULTS.slice(i, i + slots.length));
    const runs = groups.map((faults, g) => {
      const dir = join(tmp, `folder-${g}`);
      const runDir = join(tmp, `run-${g}`);
      mkdirSync(dir);
      mkdirSync(runDir);
      writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
      for (const name of witnesses) writeFileSync(join(dir, `${name}.ts`), solution(name));
      slots.forEach((name, i) =>
        writeFileSync(join(dir, `${name}.ts`), faults[i] ? withFault(name, faults[i]) : stubFor(root, name)),
      );
      return { dir, runDir, faults, files: snapshot(dir) };
    });
    const results = await Promise.all(runs.map((r) => gradeFolder(r.dir, r.runDir)));

    runs.forEach((run, g) => {
      const { out, ms, status } = results[g];
      console.log(`folder ${g}: graded in ${(ms / 1000).toFixed(1)} s (${run.faults.length} faults)`);
      expect([g, status]).toEqual([g, 0]);
      expect(ms).toBeLessThan(150_000); // generous: the machine may be busy; each fault itself is bounded by 1 s
      expect(out).toMatch(/Graded in \d+\.\d s\./);
      for (const name of witnesses)
        expect([name, block(out, name)]).toEqual([name, expect.stringMatching(/✓ \S+\s+passed/)]);
      run.faults.forEach((fault, i) => {
        expect([fault.name, block(out, slots[i])]).toEqual([fault.name, expect.stringMatching(fault.verdict)]);
      });
      expect(snapshot(run.dir)).toEqual(run.files); // the learner's folder: byte-identical
      expect(processesWith(run.runDir)).toEqual([]); // every learner process of the run has ended
      expect(readdirSync(join(run.runDir, 'pgids'))).toEqual([]);
    });
    expect(Object.fromEntries(guarded.map((f) => [f, digest(f)]))).toEqual(before);
    expect(existsSync(newFile)).toBe(false);
    expect(sleepers()).toBe(sleepersBefore);
  },
  200_000,
);

test.concurrent(
  "grade()'s deadline ends the grader and every learner process, and says so once",
  async () => {
    const dir = join(tmp, 'deadline');
    mkdirSync(dir);
    writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
    for (const name of exercises) writeFileSync(join(dir, `${name}.ts`), stubFor(root, name));
    // A call that sleeps without using CPU, far longer than the deadline (the per-call limit is raised to 60 s).
    writeFileSync(
      join(dir, `${slots[0]}.ts`),
      withFault(slots[0], {
        name: 'sleep',
        where: 'call',
        code: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);',
        verdict: /./,
      }),
    );
    const saved = process.env.GRADE_TIMEOUT_MS;
    process.env.GRADE_TIMEOUT_MS = '60000';
    const t0 = Date.now();
    let summary: Awaited<ReturnType<typeof grade>>;
    try {
      summary = await grade(slots[0], { dir, deadlineMs: 6000, print: false });
    } finally {
      if (saved === undefined) delete process.env.GRADE_TIMEOUT_MS;
      else process.env.GRADE_TIMEOUT_MS = saved;
    }
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(6000 + 5000 + 3000); // the deadline, the grace before a kill, and slack
    const stoppedByGrade = /was stopped, with every process it started; no score/.test(summary.report);
    const stoppedItself = /deadline passed/.test(summary.report);
    expect([stoppedByGrade, stoppedItself]).toContain(true);
    if (stoppedByGrade) expect(summary.report).not.toMatch(/^\d+\/\d+ passed\s*$/m);
    expect(summary.passed).toBe(0);
    expect(processesWith(dir)).toEqual([]);
    expect(processesWith('grade-run-').filter((l) => l.includes(slots[0]))).toEqual([]);
  },
  60_000,
);
