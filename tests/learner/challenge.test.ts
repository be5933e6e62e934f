// lib/challenge: calling a learner's exercise functions from a notebook. Each case writes an exercise folder in a
// temporary directory (a generated stub, the reference solution, or a broken variant of it), so exercises/ is
// never read or touched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChallengeInputError,
  EXERCISE_FUNCTIONS,
  approximatelyEqual,
  runExercise,
  typeProblems,
  type ExerciseApis,
} from '../../lib/learner/challenge';
import { analyzeProbabilities, preview, tryExercise } from '../../lib/learner/try-exercise';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor } from '../../lib/learner/stubs';
import * as sol01 from '../../solutions/01-cosine-similarity';
import * as sol02 from '../../solutions/02-softmax-topk';
import * as sol03 from '../../solutions/03-preprocess-arithmetic';
import * as sol04 from '../../solutions/04-contrastive-loss';
import * as sol05 from '../../solutions/05-zero-shot';
import * as sol06 from '../../solutions/06-prompt-ensembling';
import * as sol07 from '../../solutions/07-retrieval-recall';
import * as sol08 from '../../solutions/08-confidence-analysis';
import * as sol09 from '../../solutions/09-shapes-zero-shot';

// The signatures lib/challenge declares must accept the reference solutions (tsc checks this assignment).
const SOLUTIONS: ExerciseApis = {
  '01-cosine-similarity': sol01,
  '02-softmax-topk': sol02,
  '03-preprocess-arithmetic': sol03,
  '04-contrastive-loss': sol04,
  '05-zero-shot': sol05,
  '06-prompt-ensembling': sol06,
  '07-retrieval-recall': sol07,
  '08-confidence-analysis': sol08,
  '09-shapes-zero-shot': sol09,
};

const root = join(__dirname, '..', '..');
const solution = (name: string) => readFileSync(join(root, 'solutions', `${name}.ts`), 'utf8');
const ZS = '05-zero-shot';
const zsArgs: [number[], number[][], string[], number] = [
  [1, 0],
  [
    [1, 0],
    [0, 1],
  ],
  ['cat', 'dog'],
  1,
];
const zsExpected = sol05.zeroShotClassify(...zsArgs);

let tmp: string;
let count = 0;
/**
 * A fresh exercise folder holding `files` (name → source) and the NotImplementedError helper, with the solved
 * exercises 01 and 02 that later exercises import (unless `files` brings its own).
 */
function folder(files: Record<string, string>): string {
  const dir = join(tmp, `case-${count++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
  const earlier = {
    '01-cosine-similarity': solution('01-cosine-similarity'),
    '02-softmax-topk': solution('02-softmax-topk'),
  };
  for (const [name, source] of Object.entries({ ...earlier, ...files })) writeFileSync(join(dir, `${name}.ts`), source);
  return dir;
}
/** 1-based line of the first line of `source` containing `marker`. */
const lineOf = (source: string, marker: string) => source.split('\n').findIndex((l) => l.includes(marker)) + 1;
/** The solution with `marker`'s line replaced by `replacement` (checked to be there). */
function edited(name: string, marker: string, replacement: string): string {
  const source = solution(name);
  if (!source.includes(marker)) throw new Error(`fixture: ${marker} not in solutions/${name}.ts`);
  return source.replace(marker, replacement);
}
const BODY_START = '  // BEGIN SOLUTION\n  if (labels.length < 2)';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'challenge-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('declared signatures', () => {
  test('EXERCISE_FUNCTIONS lists exactly the functions each reference solution exports', () => {
    for (const [name, mod] of Object.entries(SOLUTIONS)) {
      const isFunction = (v: unknown) =>
        typeof v === 'function' && !/^class\b/.test(Function.prototype.toString.call(v)); // not the error classes
      const exported = Object.keys(mod)
        .filter((k) => isFunction((mod as Record<string, unknown>)[k]))
        .sort();
      expect([name, [...EXERCISE_FUNCTIONS[name as keyof ExerciseApis]].sort()]).toEqual([name, exported]);
    }
  });
});

describe('runExercise', () => {
  test('a generated stub is "not started" and names the file to open', async () => {
    const dir = folder({ [ZS]: stubFor(root, ZS) });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('not-started');
    expect(run.problem).toContain(`open ${join(dir, `${ZS}.ts`)}`);
    expect(run.value).toBeUndefined();
  });

  test('the reference solution runs in the worker and returns its answer', async () => {
    const dir = folder({ [ZS]: solution(ZS) });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir });
    expect(run.status).toBe('ok');
    expect(run.value).toEqual(zsExpected);
    expect(run.typeProblems).toEqual([]);
    expect(run.problem).toBe('');
  });

  test('typed arrays go in and come back (exercise 03 on a 1×1 image)', async () => {
    const dir = folder({ '03-preprocess-arithmetic': solution('03-preprocess-arithmetic') });
    const run = await runExercise(
      '03-preprocess-arithmetic',
      'rescaleAndNormalize',
      [new Uint8Array([255, 0, 128]), 1, 1],
      { dir, typeCheck: false },
    );
    expect(run.status).toBe('ok');
    expect(Array.from(run.value!)).toEqual(Array.from(sol03.rescaleAndNormalize(new Uint8Array([255, 0, 128]), 1, 1)));
  });

  test('a type error is reported with its line, and the code still runs', async () => {
    const source = edited(ZS, BODY_START, '  const oops: string = 42;\n' + BODY_START);
    const dir = folder({ [ZS]: source });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir });
    expect(run.status).toBe('ok');
    expect(run.value).toEqual(zsExpected);
    expect(run.typeProblems).toHaveLength(1);
    expect(run.typeProblems[0]).toMatchObject({ kind: 'type error', line: lineOf(source, 'const oops'), column: 9 });
    expect(run.typeProblems[0].message).toContain("not assignable to type 'string'");
  });

  test('a syntax error stops the run with file, line and column', async () => {
    const source = edited(ZS, BODY_START, '  const = 3;\n' + BODY_START);
    const dir = folder({ [ZS]: source });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir });
    expect(run.status).toBe('syntax-error');
    expect(run.problem).toContain(`syntax error at ${join(dir, `${ZS}.ts`)}:${lineOf(source, 'const = 3')}:`);
    expect(run.problem).toMatch(/[^.]\.$/); // the compiler's own final period is not doubled
  });

  test('a thrown error is named with its message and its place in the TypeScript source', async () => {
    const source = edited(
      ZS,
      BODY_START,
      '  const missing = undefined as unknown as number[];\n  missing.push(1);\n' + BODY_START,
    );
    const dir = folder({ [ZS]: source });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('threw');
    expect(run.problem).toMatch(
      /^zeroShotClassify threw TypeError: Cannot read properties of undefined \(reading 'push'\)/,
    );
    expect(run.problem).toContain(`(at ${join(dir, `${ZS}.ts`)}:${lineOf(source, 'missing.push')}:`);
  });

  test("the exercise's own input errors are reported too (a learner passing bad arguments)", async () => {
    const dir = folder({ [ZS]: solution(ZS) });
    const run = await runExercise(ZS, 'zeroShotClassify', [[1, 0], [[1, 0]], ['cat'], 1], { dir, typeCheck: false });
    expect(run.status).toBe('threw');
    expect(run.problem).toContain('ZeroShotInputError: zeroShotClassify: 1 label(s) given');
  });

  test('a non-Error throw and an error while loading the file', async () => {
    const dir1 = folder({ [ZS]: edited(ZS, BODY_START, "  throw 'oops';\n" + BODY_START) });
    const run1 = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir: dir1, typeCheck: false });
    expect(run1.status).toBe('threw');
    expect(run1.problem).toContain('zeroShotClassify threw the string "oops"');

    const dir2 = folder({ [ZS]: solution(ZS) + "\nthrow new RangeError('top-level code ran');\n" });
    const run2 = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir: dir2, typeCheck: false });
    expect(run2.status).toBe('threw');
    expect(run2.problem).toContain('threw while loading RangeError: top-level code ran');
  });

  test('an endless loop is stopped at the time limit', async () => {
    const dir = folder({ [ZS]: edited(ZS, BODY_START, '  for (;;) {}\n' + BODY_START) });
    const started = Date.now();
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false, timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(run.status).toBe('timeout');
    expect(run.problem).toContain('did not finish within 0.3 s');
    expect(elapsed).toBeLessThan(5000);

    // The same unchanged code is not run again (a loop over labels would otherwise wait each time) …
    const again = Date.now();
    const second = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false, timeoutMs: 300 });
    expect(second.status).toBe('timeout');
    expect(second.problem).toContain('on an earlier call');
    expect(Date.now() - again).toBeLessThan(250);
    // … but an edited file is.
    writeFileSync(join(dir, `${ZS}.ts`), solution(ZS));
    expect((await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false, timeoutMs: 300 })).status).toBe(
      'ok',
    );
  });

  test('process.exit ends only the worker, and is reported', async () => {
    const dir = folder({ [ZS]: edited(ZS, BODY_START, '  process.exit(3);\n' + BODY_START) });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('crashed');
    expect(run.problem).toContain('called process.exit(3)');
  });

  test('running out of memory stops the worker, not the process', async () => {
    const dir = folder({
      [ZS]: edited(
        ZS,
        BODY_START,
        '  const hoard: number[][] = [];\n  for (;;) hoard.push(new Array(100000).fill(1));\n' + BODY_START,
      ),
    });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, {
      dir,
      typeCheck: false,
      memoryMiB: 32,
      timeoutMs: 20000,
    });
    expect(run.status).toBe('crashed');
    expect(run.problem).toContain('more than 32 MiB');
  });

  test("console output of the learner's code is captured", async () => {
    const dir = folder({ [ZS]: edited(ZS, BODY_START, "  console.log('debug', labels.length);\n" + BODY_START) });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('ok');
    expect(run.output).toBe('debug 2');
  });

  test('a missing file and a missing export', async () => {
    const empty = folder({});
    const run1 = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir: empty });
    expect(run1.status).toBe('missing');
    expect(run1.problem).toContain(`npm run grade -- --reset ${ZS}`);

    const dir = folder({
      [ZS]: solution(ZS).replace('export function zeroShotClassify(', 'export function classify('),
    });
    const run2 = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run2.status).toBe('not-a-function');
    expect(run2.problem).toContain('it exports classify');
  });

  test('an edited file is picked up by the next call (nothing is cached between calls)', async () => {
    const dir = folder({ [ZS]: stubFor(root, ZS) });
    expect((await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false })).status).toBe('not-started');
    writeFileSync(join(dir, `${ZS}.ts`), solution(ZS));
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('ok');
    expect(run.value).toEqual(zsExpected);
  });

  test('GRADE_EXERCISES_DIR chooses the folder when no dir is given, as for the grader', async () => {
    const dir = folder({ [ZS]: solution(ZS) });
    const before = process.env.GRADE_EXERCISES_DIR;
    process.env.GRADE_EXERCISES_DIR = dir;
    try {
      const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { typeCheck: false });
      expect(run.status).toBe('ok');
    } finally {
      if (before === undefined) delete process.env.GRADE_EXERCISES_DIR;
      else process.env.GRADE_EXERCISES_DIR = before;
    }
  });

  test("a call that names no real exercise function is the notebook's mistake: ChallengeInputError", async () => {
    await expect(runExercise('09-nothing' as never, 'f' as never, [] as never)).rejects.toThrow(ChallengeInputError);
    await expect(runExercise(ZS, 'softmax' as never, [] as never)).rejects.toThrow(
      /has no function "softmax". Its functions are zeroShotClassify/,
    );
    await expect(runExercise(ZS, 'zeroShotClassify', zsArgs, { timeoutMs: -1 })).rejects.toThrow(/timeoutMs = -1/);
    const fn = () => 1;
    await expect(
      runExercise(ZS, 'zeroShotClassify', [fn, [], [], 1] as never, {
        dir: folder({ [ZS]: solution(ZS) }),
        typeCheck: false,
      }),
    ).rejects.toThrow(/cannot be passed to the exercise/);
  });
});

describe('typeProblems', () => {
  test('finds nothing in a solution and the error in a broken copy', () => {
    const good = folder({ [ZS]: solution(ZS) });
    expect(typeProblems(join(good, `${ZS}.ts`))).toEqual([]);
    const source = edited(ZS, BODY_START, '  const n: number = labels;\n' + BODY_START);
    const bad = folder({ [ZS]: source });
    const problems = typeProblems(join(bad, `${ZS}.ts`));
    expect(problems.map((p) => [p.kind, p.line])).toEqual([['type error', lineOf(source, 'const n: number')]]);
  });
});

describe('tryExercise', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: (l: string) => lines.push(l) };
  };

  test('stub: prints the friendly "not started" line and returns the course\'s value', async () => {
    const dir = folder({ '02-softmax-topk': stubFor(root, '02-softmax-topk') });
    const { lines, log } = capture();
    const course = sol02.softmax([1, 2, 3], 1);
    const value = await tryExercise('02-softmax-topk', 'softmax', [[1, 2, 3], 1], () => course, {
      dir,
      log,
      typeCheck: false,
    });
    expect(value).toBe(course);
    expect(lines).toEqual([
      `· 02-softmax-topk › softmax: not started yet — open ${join(dir, '02-softmax-topk.ts')} and replace the throw in softmax. Using the course's softmax for now.`,
    ]);
  });

  test("solved: returns the learner's own answer when it agrees", async () => {
    const dir = folder({ '02-softmax-topk': solution('02-softmax-topk') });
    const { lines, log } = capture();
    const courseValue = Float32Array.from(sol02.softmax([1, 2, 3], 1));
    const value = await tryExercise('02-softmax-topk', 'softmax', [[1, 2, 3], 1], () => Array.from(courseValue), {
      dir,
      log,
      typeCheck: false,
    });
    expect(Array.isArray(value)).toBe(true);
    expect(value).toEqual(sol02.softmax([1, 2, 3], 1)); // the float64 answer of the learner, not the float32 course copy
    expect(value).not.toEqual(Array.from(courseValue));
    expect(lines).toEqual(["✓ 02-softmax-topk › softmax: your function ran and agrees with the course's."]);
  });

  test("a wrong answer: both are printed and the course's is used", async () => {
    const dir = folder({
      '02-softmax-topk': edited(
        '02-softmax-topk',
        'export function softmax(logits: readonly number[], logitScale: number): number[] {',
        'export function softmax(logits: readonly number[], logitScale: number): number[] {\n  return logits.map(() => 1 / logits.length);',
      ),
    });
    const { lines, log } = capture();
    const value = await tryExercise('02-softmax-topk', 'softmax', [[1, 2, 3], 1], () => sol02.softmax([1, 2, 3], 1), {
      dir,
      log,
      typeCheck: false,
    });
    expect(value).toEqual(sol02.softmax([1, 2, 3], 1));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `✗ 02-softmax-topk › softmax: your function returned [0.3333, 0.3333, 0.3333], the course's returns ${preview(sol02.softmax([1, 2, 3], 1))}. The cells below use the course's; await grade('02') says which check fails.`,
    );
  });

  test('an error, a type error and printed output each get their line; a custom agreement rule is used', async () => {
    const source = edited(
      ZS,
      BODY_START,
      "  const s: string = 1;\n  console.log('here');\n  if (labels.length > 1) throw new Error('boom');\n" +
        BODY_START,
    );
    const dir = folder({ [ZS]: source });
    const { lines, log } = capture();
    const value = await tryExercise(ZS, 'zeroShotClassify', zsArgs, () => zsExpected, { dir, log });
    expect(value).toBe(zsExpected);
    expect(lines[0]).toMatch(
      new RegExp(
        `^✗ 05-zero-shot › zeroShotClassify: zeroShotClassify threw Error: boom \\(at .*05-zero-shot\\.ts:${lineOf(source, "throw new Error('boom')")}:\\d+\\)\\. Using the course's zeroShotClassify for now; await grade\\('05'\\) says more\\.$`,
      ),
    );
    expect(lines[1]).toContain(`! type error at ${join(dir, `${ZS}.ts`)}:${lineOf(source, 'const s: string')}:9:`);
    expect(lines.slice(2)).toEqual(['  your code printed:', '    here']);

    const solved = folder({ [ZS]: solution(ZS) });
    const byLabel = await tryExercise(
      ZS,
      'zeroShotClassify',
      zsArgs,
      () => [
        { label: 'cat', probability: 0.5 },
        { label: 'dog', probability: 0.5 },
      ],
      {
        dir: solved,
        log,
        typeCheck: false,
        agrees: (yours, course) => yours[0].label === course[0].label,
      },
    );
    expect(byLabel).toEqual(zsExpected);
  });
});

describe("analyzeProbabilities (the course's version of exercise 08)", () => {
  test('agrees with the reference analyzePrediction on seeded random distributions', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + (trial % 6);
      const raw = Array.from({ length: n }, () => random() ** 3);
      const sum = raw.reduce((a, b) => a + b, 0);
      const p = raw.map((x) => x / sum);
      const labels = p.map((_, i) => `label ${i}`);
      const threshold = (trial % 5) / 5;
      const ours = analyzeProbabilities(p, labels, threshold);
      const reference = sol08.analyzePrediction(p, labels, threshold);
      expect(approximatelyEqual(ours, reference, 1e-12)).toBe(true);
    }
  });

  test('edge values: a uniform distribution and a certain one', () => {
    const uniform = analyzeProbabilities([0.25, 0.25, 0.25, 0.25], ['a', 'b', 'c', 'd']);
    expect(uniform).toMatchObject({ label: 'a', runnerUp: 'b', margin: 0, confident: false });
    expect(uniform.entropy).toBeCloseTo(Math.log(4), 12);
    expect(uniform.normalizedEntropy).toBeCloseTo(1, 12);
    const certain = analyzeProbabilities(new Float32Array([0, 1]), ['a', 'b']);
    expect(certain).toEqual({
      label: 'b',
      probability: 1,
      runnerUp: 'a',
      margin: 1,
      entropy: 0,
      normalizedEntropy: 0,
      confident: true,
    });
  });

  test('bad input throws ChallengeInputError naming the problem', () => {
    expect(() => analyzeProbabilities([1], ['a'])).toThrow(/got 1 probabilities/);
    expect(() => analyzeProbabilities([0.5, 0.5], ['a'])).toThrow(/1 labels for 2 probabilities/);
    expect(() => analyzeProbabilities([0.5, NaN], ['a', 'b'])).toThrow(/probability 1 is NaN/);
    expect(() => analyzeProbabilities([0.5, 0.6], ['a', 'b'])).toThrow(/sum to 1.1/);
    expect(() => analyzeProbabilities([0.5, 0.5], ['a', 'b'], 2)).toThrow(ChallengeInputError);
  });
});

describe('approximatelyEqual and preview', () => {
  test('approximatelyEqual compares numbers within the tolerance through nested values', () => {
    expect(approximatelyEqual([0.5, { p: 0.25, label: 'x' }], [0.50001, { p: 0.25, label: 'x' }])).toBe(true);
    expect(approximatelyEqual([0.5, { p: 0.25, label: 'x' }], [0.5, { p: 0.25, label: 'y' }])).toBe(false);
    expect(approximatelyEqual(new Float32Array([1, 2]), [1, 2])).toBe(true);
    expect(approximatelyEqual(new Float32Array([1, 2]), [1, 2.1])).toBe(false);
    expect(approximatelyEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(approximatelyEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(approximatelyEqual(1e6, 1e6 + 50)).toBe(true); // relative tolerance
    expect(approximatelyEqual(NaN, NaN)).toBe(true);
    expect(approximatelyEqual(undefined, 0)).toBe(false);
  });

  test('preview rounds to 4 significant digits and cuts long lists', () => {
    expect(preview([0.123456, 2, 'cat'])).toBe('[0.1235, 2, "cat"]');
    expect(preview({ label: 'cat', probability: 0.987654 })).toBe('{ label: "cat", probability: 0.9877 }');
    expect(preview(Array.from({ length: 10 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, … (10 entries)]');
    expect(preview('x'.repeat(300), 20)).toHaveLength(20);
  });
});

describe('isolation (issue 14)', () => {
  test("faults in a notebook call end only the learner's process, in bounded time, and leave no process behind", async () => {
    const own = (): string[] =>
      spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((line) => line.includes(`-${process.pid}-`) && line.includes('learner-run-'));
    const solutionFile = join(root, 'solutions', `${ZS}.ts`);
    const before = readFileSync(solutionFile);
    const cases: { code: string; status: string; problem: RegExp; where?: 'load' }[] = [
      {
        code: "process.kill(process.pid, 'SIGKILL');",
        status: 'crashed',
        problem: /killed its own process \(SIGKILL\) while running zeroShotClassify/,
      },
      {
        code: 'const keep: Buffer[] = [];\n  for (let i = 0; i < 8; i++) keep.push(Buffer.allocUnsafeSlow(256 * 1024 * 1024));',
        status: 'crashed',
        problem: /used more than 1024 MiB of memory/,
      },
      {
        code: "require('node:child_process').execSync('sleep 20');",
        status: 'forbidden',
        problem: /tried to start a process \(child_process\); starting processes is not allowed in exercises/,
      },
      {
        code: `require('node:fs').writeFileSync(${JSON.stringify(solutionFile)}, 'pwned');`,
        status: 'forbidden',
        problem: /tried to write the file .*; writing files is not allowed in exercises/,
      },
      {
        code: "process.stdout.write('x'.repeat(50 * 1024 * 1024));",
        status: 'crashed',
        problem: /printed more than 1 MB/,
      },
      {
        code: 'while (Date.now() > 0) {}',
        status: 'timeout',
        problem: /did not finish loading within 1 s/,
        where: 'load',
      },
    ];
    const started = Date.now();
    const runs = await Promise.all(
      cases.map((c) => {
        const source =
          c.where === 'load' ? `${solution(ZS)}\n${c.code}\n` : edited(ZS, BODY_START, `  ${c.code}\n${BODY_START}`);
        return runExercise(ZS, 'zeroShotClassify', zsArgs, {
          dir: folder({ [ZS]: source }),
          typeCheck: false,
          timeoutMs: 1000,
        });
      }),
    );
    const elapsed = Date.now() - started;
    cases.forEach((c, i) =>
      expect([c.code, runs[i].status, runs[i].problem]).toEqual([c.code, c.status, expect.stringMatching(c.problem)]),
    );
    expect(elapsed).toBeLessThan(45_000); // each is bounded by the 1 s limit; the rest is starting Node on a busy machine
    expect(readFileSync(solutionFile).equals(before)).toBe(true);
    expect(own()).toEqual([]);
  }, 90_000);
});

describe('earlier exercises (a later one building on an unfinished one)', () => {
  test("the course's version stands in, runs outside the learner's process, and is reported", async () => {
    const dir = folder({
      '01-cosine-similarity': stubFor(root, '01-cosine-similarity'),
      '02-softmax-topk': stubFor(root, '02-softmax-topk'),
      [ZS]: solution(ZS),
    });
    const run = await runExercise(ZS, 'zeroShotClassify', zsArgs, { dir, typeCheck: false });
    expect(run.status).toBe('ok');
    expect(approximatelyEqual(run.value, zsExpected, 1e-12)).toBe(true);
    expect(run.standIns).toEqual(expect.arrayContaining(['cosineSimilarity (exercise 01)', 'softmax (exercise 02)']));
    // An error of the course's version reaches the learner's code as the learner's own class, by name.
    const zero = await runExercise(
      ZS,
      'zeroShotClassify',
      [
        [0, 0],
        [
          [1, 0],
          [0, 1],
        ],
        ['cat', 'dog'],
        1,
      ],
      { dir, typeCheck: false },
    );
    expect([zero.status, zero.problem]).toEqual([
      'threw',
      expect.stringMatching(/zeroShotClassify threw ZeroVectorError: /),
    ]);
  });
});
