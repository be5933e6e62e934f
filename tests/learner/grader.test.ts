// The exercise grader (scripts/grade.ts) on fixtures: a temporary folder of exercise files holding a
// solved exercise, an untouched stub, a syntax error, an endless loop, process.exit, a thrown non-Error,
// a type error and a wrong answer. The grader is pointed there with --dir, so exercises/ is never touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listExercises, matchExercise, ExerciseNameError, parseHeader } from '../../lib/learner/catalog';
import {
  NOT_IMPLEMENTED_FILE,
  NOT_IMPLEMENTED_SOURCE,
  StubMarkerError,
  stubFor,
  stubFromSolution,
} from '../../lib/learner/stubs';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const exercises = listExercises(root);
const solution = (name: string) => readFileSync(join(root, 'solutions', `${name}.ts`), 'utf8');
const replaceOnce = (text: string, from: string, to: string) => {
  if (!text.includes(from)) throw new Error(`fixture: "${from}" not found`);
  return text.replace(from, to);
};

function gradeCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'grade.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every file under `dir` with its content, to prove the grader wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
      files[path] = readFileSync(path, 'utf8');
    }
  }
  return files;
}

function makeStubFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'grader-test-'));
  writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
  for (const e of exercises) writeFileSync(join(dir, `${e.name}.ts`), stubFor(root, e.name));
  return dir;
}

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

test('the course has at least eight exercises, each with a test file, a title and hints about its functions', () => {
  expect(exercises.length).toBeGreaterThanOrEqual(8);
  for (const e of exercises) {
    expect(existsSync(join(root, 'tests', 'exercises', `${e.name}.test.ts`))).toBe(true);
    expect(e.title.length).toBeGreaterThan(5);
    expect(e.hints.length).toBeGreaterThanOrEqual(2);
    for (const hint of e.hints) {
      if (hint.topic) expect(solution(e.name)).toContain(`export function ${hint.topic}(`);
    }
  }
});

test('stubs are generated from the solutions: header and signatures kept, every body a NotImplementedError', () => {
  for (const e of exercises) {
    const stub = stubFor(root, e.name);
    const functions = [...solution(e.name).matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(stub).toContain(`export function ${fn}(`);
      expect(stub).toContain(`throw new NotImplementedError('${e.name}', '${fn}');`);
    }
    expect(stub).toContain("import { NotImplementedError } from './not-implemented';");
    expect(stub).not.toMatch(/BEGIN SOLUTION|END SOLUTION|^\/\/!/m);
    expect(parseHeader(stub)).toEqual(parseHeader(solution(e.name)));
  }
  const source =
    '/**\n * Exercise 99 · demo\n */\n//! BEGIN SOLUTION ONLY\nconst helper = 1;\n//! END SOLUTION ONLY\n\nexport function f(): number {\n  // BEGIN SOLUTION\n  return helper;\n  // END SOLUTION\n}\n';
  expect(stubFromSolution(source, '99-demo')).toBe(
    "/**\n * Exercise 99 · demo\n */\nimport { NotImplementedError } from './not-implemented';\n\nexport function f(): number {\n  throw new NotImplementedError('99-demo', 'f');\n}\n",
  );
  expect(() =>
    stubFromSolution('/** x */\nexport function f() {\n  // BEGIN SOLUTION\n  return 1;\n}\n', '99-demo'),
  ).toThrow(StubMarkerError);
  expect(() => stubFromSolution('/** x */\nexport function f() {\n  return 1;\n}\n', '99-demo')).toThrow(
    StubMarkerError,
  );
});

test('exercise names match by number, exact name or a unique part; anything else is a plain error', () => {
  expect(matchExercise(exercises, 'cosine').name).toBe('01-cosine-similarity');
  expect(matchExercise(exercises, '1').name).toBe('01-cosine-similarity');
  expect(matchExercise(exercises, '08').name).toBe('08-confidence-analysis');
  expect(matchExercise(exercises, 'exercises/05-zero-shot.ts').name).toBe('05-zero-shot');
  expect(() => matchExercise(exercises, '99')).toThrow(ExerciseNameError);
  expect(() => matchExercise(exercises, 'giraffe')).toThrow(/No exercise matches "giraffe"/);
  expect(() => matchExercise(exercises, 'e')).toThrow(/matches .* and /);
});

test('grading a folder of fixtures: each broken exercise fails on its own, in plain words, and nothing is written', () => {
  const dir = makeStubFolder();
  folders.push(dir);
  const put = (name: string, text: string) => writeFileSync(join(dir, `${name}.ts`), text);
  put('01-cosine-similarity', solution('01-cosine-similarity')); // solved
  // 02: the untouched stub
  put(
    '03-preprocess-arithmetic',
    replaceOnce(
      stubFor(root, '03-preprocess-arithmetic'),
      "throw new NotImplementedError('03-preprocess-arithmetic', 'centerCropBox');",
      'return { left: (width - cropWidth / 2, top: 0, width: cropWidth, height: cropHeight };',
    ),
  );
  put(
    '04-contrastive-loss',
    replaceOnce(
      solution('04-contrastive-loss'),
      'let imageToText = 0;',
      'let imageToText = 0;\n  for (let i = 0; i < n; ) imageToText += 0;',
    ),
  );
  put(
    '05-zero-shot',
    replaceOnce(
      stubFor(root, '05-zero-shot'),
      "throw new NotImplementedError('05-zero-shot', 'zeroShotClassify');",
      'process.exit(3);',
    ),
  );
  put(
    '06-prompt-ensembling',
    replaceOnce(
      stubFor(root, '06-prompt-ensembling'),
      "throw new NotImplementedError('06-prompt-ensembling', 'fillTemplates');",
      "throw 'no templates today';",
    ),
  );
  put(
    '07-retrieval-recall',
    replaceOnce(solution('07-retrieval-recall'), 'let hits = 0;', "let hits = 0;\n  const label: number = 'seven';"),
  );
  put(
    '08-confidence-analysis',
    replaceOnce(
      stubFor(root, '08-confidence-analysis'),
      "throw new NotImplementedError('08-confidence-analysis', 'analyzePrediction');",
      'const p = [...probabilities].sort();\n  return { label: labels[0], probability: p[0], runnerUp: labels[1], margin: 0, entropy: 0, normalizedEntropy: 0, confident: marginThreshold < 0 };',
    ),
  );
  const before = snapshot(dir);

  const { status, out } = gradeCli(['--dir', dir, '--timeout', '1000']);

  expect(status).toBe(0);
  expect(out).toMatch(/✓ 01-cosine-similarity\s+passed \(\d+\/\d+ checks\)/);
  expect(out).toMatch(/· 02-softmax-topk\s+not started/);
  expect(out).toMatch(
    /✗ 03-preprocess-arithmetic[\s\S]*?Syntax error at \S*03-preprocess-arithmetic\.ts:\d+:\d+: '\)' expected/,
  );
  expect(out).toMatch(/✗ 04-contrastive-loss[\s\S]*?did not finish within 1 s/);
  expect(out).toMatch(/✗ 05-zero-shot[\s\S]*?called process\.exit\(3\)/);
  expect(out).toMatch(/✗ 06-prompt-ensembling[\s\S]*?threw "no templates today", which is not an Error/);
  expect(out).toMatch(
    /✗ 07-retrieval-recall\s+failed \(all \d+ checks pass, but the file does not compile\)[\s\S]*?Type error at \S*07-retrieval-recall\.ts:\d+:\d+: Type 'string' is not assignable to type 'number'/,
  );
  expect(out).toMatch(
    /✗ 08-confidence-analysis[\s\S]*?analyzePrediction\(…\)\.label should be "cat", .*It returned "dog"\.\s+Hint: analyzePrediction: hint steps seen: 0 of 3; step 1 \(the idea\) is about analyzePrediction/,
  );
  expect(out.trimEnd().split('\n').pop()).toBe(`1/${exercises.length} passed`);
  expect(snapshot(dir)).toEqual(before);
}, 180_000);

test('one exercise by name, an endless loop while the file loads, and a bad name', () => {
  const dir = makeStubFolder();
  folders.push(dir);
  writeFileSync(join(dir, '01-cosine-similarity.ts'), solution('01-cosine-similarity'));
  writeFileSync(
    join(dir, '02-softmax-topk.ts'),
    `let spin = 0;\nwhile (spin >= 0) spin = (spin + 1) % 7;\n${stubFor(root, '02-softmax-topk')}`,
  );

  const one = gradeCli(['--dir', dir, 'cosine']);
  expect(one.out).toMatch(/Grading 1 exercise in[\s\S]*✓ 01-cosine-similarity[\s\S]*\n1\/1 passed\s*$/);

  const t0 = Date.now();
  const loop = gradeCli(['--dir', dir, '02', '--timeout', '1000']);
  expect(Date.now() - t0).toBeLessThan(60_000); // the 1 s limit covers loading; the rest is tsx, the type check, a busy machine
  expect(loop.out).toMatch(
    /✗ 02-softmax-topk[\s\S]*The exercise could not be loaded: \S*02-softmax-topk\.ts did not finish loading within 1 s and was stopped/,
  );
  expect(loop.out).toMatch(/\n0\/1 passed\s*$/);

  const bad = gradeCli(['--dir', dir, 'giraffe']);
  expect(bad.status).toBe(2);
  expect(bad.out).toContain('No exercise matches "giraffe". The exercises are: 01-cosine-similarity');
}, 180_000);

test("--hint shows the next hint step; --reset backs the learner's file up, restores the stub and says where", () => {
  const dir = makeStubFolder();
  folders.push(dir);
  const hint = gradeCli(['--dir', dir, '--hint', '02']);
  expect(hint.status).toBe(0);
  expect(hint.out).toContain('02-softmax-topk · Softmax with a logit scale, and top-k — hint step 1 of 3');
  expect(hint.out).toMatch(/Step 1 · the idea \(new\)\n\s+- softmax: /);
  expect(hint.out).not.toContain('Step 2');

  const target = join(dir, '06-prompt-ensembling.ts');
  const learnerWork = `${stubFor(root, '06-prompt-ensembling')}\n// my work in progress\n`;
  writeFileSync(target, learnerWork);

  const reset = gradeCli(['--dir', dir, '--reset', 'ensembl']);
  expect(reset.status).toBe(0);
  const backups = readdirSync(join(dir, '.backup'));
  expect(backups).toHaveLength(1);
  expect(backups[0]).toMatch(/^06-prompt-ensembling\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.ts$/);
  expect(readFileSync(join(dir, '.backup', backups[0]), 'utf8')).toBe(learnerWork);
  expect(readFileSync(target, 'utf8')).toBe(stubFor(root, '06-prompt-ensembling'));
  expect(reset.out).toContain(join('.backup', backups[0]));

  const again = gradeCli(['--dir', dir, '--reset', '06']);
  expect(again.out).toContain('already the untouched stub; nothing to do');
  expect(readdirSync(join(dir, '.backup'))).toHaveLength(1);

  rmSync(join(dir, '07-retrieval-recall.ts'));
  const missing = gradeCli(['--dir', dir, '--reset', '07']);
  expect(missing.out).toContain('was missing; the stub is back');
  expect(readFileSync(join(dir, '07-retrieval-recall.ts'), 'utf8')).toBe(stubFor(root, '07-retrieval-recall'));

  // A missing exercise's report, and the reset it suggests, keep --dir (the default folder is not this one).
  rmSync(join(dir, '07-retrieval-recall.ts'));
  const graded = gradeCli(['--dir', dir, '07']);
  expect(graded.out).toContain(`Bring back the stub with: npm run grade -- --reset 07-retrieval-recall --dir ${dir}`);

  // exercises/.backup being a file: a plain error naming it and the fix, the learner's file left as it was.
  const fileDir = makeStubFolder();
  folders.push(fileDir);
  writeFileSync(join(fileDir, '.backup'), 'not a folder');
  writeFileSync(join(fileDir, '06-prompt-ensembling.ts'), learnerWork);
  const blocked = gradeCli(['--dir', fileDir, '--reset', '06']);
  expect(blocked.status).toBe(2);
  expect(blocked.out).toMatch(
    /\.backup is a file, not a folder, so your 06-prompt-ensembling\.ts cannot be backed up there and was left as it is\. Fix: Rename or move that file/,
  );
  expect(blocked.out).not.toMatch(/EEXIST|\n\s+at /);
  expect(readFileSync(join(fileDir, '06-prompt-ensembling.ts'), 'utf8')).toBe(learnerWork);

  const noName = gradeCli(['--reset']);
  expect(noName.status).toBe(2);
  expect(noName.out).toContain('--reset needs an exercise');
}, 180_000);
