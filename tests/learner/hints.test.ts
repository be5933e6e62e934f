// Stepped hints (lib/learner/hints.ts, issue 18): no hint text reaches a stub, and every hint step of every
// exercise is reachable with `npm run grade -- --hint NN`, one step per call, or up to a step with `--step N`,
// remembered per exercise; a step a check names is one exact command away.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listExercises } from '../../lib/learner/catalog';
import {
  exportedFunctions,
  hintCommand,
  hintSteps,
  HintStepError,
  namedStep,
  namedStepHint,
  parseHints,
  PROGRESS_FILE,
  readProgress,
  reportHints,
  revealHint,
  revealNextHint,
} from '../../lib/learner/hints';
import { ENV } from '../../lib/course/paths';
import { stubFor, StubMarkerError, stubFromSolution } from '../../lib/learner/stubs';

const root = join(__dirname, '..', '..');
const exercises = listExercises(root);
const folders: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hints-test-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** Words of a text, lower-cased, without markdown and punctuation at their ends. */
const words = (text: string) =>
  text
    .replace(/[`*_]/g, ' ')
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[("'“‘[{]+|[)"'”’\]},.;:!?]+$/g, ''))
    .filter((w) => w.length > 0);

/** Every run of `n` consecutive words. */
const shingles = (text: string, n: number) => {
  const w = words(text);
  return Array.from({ length: Math.max(0, w.length - n + 1) }, (_, i) => w.slice(i, i + n).join(' '));
};

test('every exercise has at least three hint steps, in the order idea → formula → shape of the code', () => {
  expect(exercises.length).toBeGreaterThanOrEqual(9);
  for (const e of exercises) {
    const steps = hintSteps(root, e.name);
    expect(steps.length).toBeGreaterThanOrEqual(3);
    expect(steps.map((s) => s.kind).slice(0, 3)).toEqual(['the idea', 'the formula', 'the shape of the code']);
    // every function of the exercise is covered by some step
    for (const f of exportedFunctions(readFileSync(join(root, 'solutions', `${e.name}.ts`), 'utf8'))) {
      expect({ exercise: e.name, f, covered: steps.some((s) => s.topics.includes(f)) }).toEqual({
        exercise: e.name,
        f,
        covered: true,
      });
    }
  }
});

test('no hint text appears in a stub (generated or committed), and a header with a "Hints:" section is refused', () => {
  for (const e of exercises) {
    const generated = stubFor(root, e.name);
    const committed = readFileSync(join(root, 'exercises', `${e.name}.ts`), 'utf8');
    for (const stub of [generated, committed]) {
      expect(stub).not.toMatch(/^\s*\*\s*Hints:\s*$/m);
      const stubShingles = new Set(shingles(stub, 6));
      const leaked = hintSteps(root, e.name).flatMap((s) => shingles(s.text, 6).filter((x) => stubShingles.has(x)));
      expect({ exercise: e.name, leaked }).toEqual({ exercise: e.name, leaked: [] });
    }
  }
  const withHints =
    '/**\n * Exercise 99 · x\n *\n * Hints:\n * - f: do this.\n */\nexport function f(): number {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}\n';
  expect(() => stubFromSolution(withHints, '99-x')).toThrow(StubMarkerError);
});

test('revealNextHint: every step of every exercise is reached, one per call, remembered per exercise', () => {
  const dir = tempDir();
  for (const e of exercises) {
    const steps = hintSteps(root, e.name);
    for (let k = 1; k <= steps.length; k++) {
      const shown = revealNextHint(root, dir, e);
      expect({ exercise: e.name, seen: shown.seen, total: shown.total }).toEqual({
        exercise: e.name,
        seen: k,
        total: steps.length,
      });
      expect(shown.text).toContain(`Step ${k} · ${steps[k - 1].kind} (new)`);
      expect(shown.text).toContain(steps[k - 1].text.split('\n')[0].trim());
      if (k < steps.length) expect(shown.text).not.toContain(`Step ${k + 1} ·`);
      expect(readProgress(dir)[e.name]).toBe(k);
    }
    const again = revealNextHint(root, dir, e);
    expect(again.seen).toBe(steps.length);
    expect(again.text).toContain(`You have seen all ${steps.length} steps`);
    expect(again.text).not.toContain('(new)');
  }
  // the steps of one exercise do not move another's
  const fresh = tempDir();
  revealNextHint(root, fresh, exercises[1]);
  expect(readProgress(fresh)).toEqual({ [exercises[1].name]: 1 });
});

test('the grade report names the step reached and the next step that covers the failing function', () => {
  const steps = parseHints(
    '## Step 1 · the idea\n\n- f: shift.\n\n## Step 2 · the formula\n\n- g: sum.\n\n## Step 3 · the shape of the code\n\n- f and g: loops.\n',
    ['f', 'g'],
  );
  expect(steps.map((s) => s.topics)).toEqual([['f'], ['g'], ['f', 'g']]);
  const hints = reportHints(steps, 1, '07-x', ['f', 'g']);
  expect(hints[0].text).toBe('hint steps seen: 1 of 3; the next, step 2 (the formula): npm run grade -- --hint 07');
  expect(hints.find((h) => h.topic === 'g')?.text).toBe(
    'hint steps seen: 1 of 3; step 2 (the formula) is about g: npm run grade -- --hint 07',
  );
  expect(hints.find((h) => h.topic === 'f')?.text).toBe(
    'hint steps seen: 1 of 3; step 3 (the shape of the code) is about f: npm run grade -- --hint 07 --step 3',
  );
  expect(reportHints(steps, 3, '07-x', ['f'])[1].text).toBe(
    'hint steps seen: 3 of 3; npm run grade -- --hint 07 shows them all again',
  );
  // listExercises reads the progress of the folder it is given
  const dir = tempDir();
  writeFileSync(join(dir, PROGRESS_FILE), JSON.stringify({ hintSteps: { '02-softmax-topk': 2 } }));
  const e02 = listExercises(root, dir).find((e) => e.name === '02-softmax-topk');
  expect(e02?.hints[0].text).toMatch(/^hint steps seen: 2 of 3; the next, step 3 \(the shape of the code\)/);
  // a damaged progress file counts as no progress
  writeFileSync(join(dir, PROGRESS_FILE), '{ not json');
  expect(readProgress(dir)).toEqual({});
});

test('revealHint with a step shows every step up to it at once, remembered, and never moves progress back', () => {
  const dir = tempDir();
  const e01 = exercises.find((e) => e.name === '01-cosine-similarity')!;
  const upTo2 = revealHint(root, dir, e01, 2);
  expect(upTo2.seen).toBe(2);
  expect(upTo2.text).toContain('hint steps 1–2 of 3');
  expect(upTo2.text).toContain('Step 1 · the idea (new)');
  expect(upTo2.text).toContain('Step 2 · the formula (new)');
  expect(upTo2.text).not.toContain('Step 3 ·');
  expect(readProgress(dir)['01-cosine-similarity']).toBe(2);
  // asking for a step already seen shows what was seen, marks nothing new and keeps the progress
  const back = revealHint(root, dir, e01, 1);
  expect(back.seen).toBe(2);
  expect(back.text).not.toContain('(new)');
  expect(readProgress(dir)['01-cosine-similarity']).toBe(2);
  // then the next one, as --hint alone would
  const three = revealHint(root, dir, e01, 3);
  expect(three.text).toContain('Step 3 · the shape of the code (new)');
  expect(three.text).not.toContain('Step 2 · the formula (new)');
  expect(readProgress(dir)['01-cosine-similarity']).toBe(3);
  expect(() => revealHint(root, dir, e01, 4)).toThrow(HintStepError);
  expect(() => revealHint(root, dir, e01, 0)).toThrow(HintStepError);
});

test('a check that names a hint step gets a hint line with the exact command that shows it (terminal and notebook)', () => {
  expect(
    namedStep('Rounding can push a computed cosine just past 1: see hint step 3 of 01.', '01-cosine-similarity'),
  ).toBe(3);
  expect(namedStep('… (see hint step 2 of 02)', '01-cosine-similarity')).toBeUndefined();
  expect(namedStep('no step named here', '01-cosine-similarity')).toBeUndefined();
  const steps = hintSteps(root, '01-cosine-similarity');
  expect(namedStepHint(steps, 0, '01-cosine-similarity', 3)).toBe(
    'hint steps seen: 0 of 3; the check points to step 3 (the shape of the code): npm run grade -- --hint 01 --step 3',
  );
  expect(namedStepHint(steps, 3, '01-cosine-similarity', 2)).toBe(
    'hint steps seen: 3 of 3; the check points to step 2 (the formula), which you have seen: npm run grade -- --hint 01 --step 2 shows it again',
  );
  expect(namedStepHint(steps, 0, '01-cosine-similarity', 9)).toBeUndefined();
  // every step a check message names exists in that exercise's hints
  for (const file of readdirSync(join(root, 'tests', 'exercises')).filter((f) => f.endsWith('.test.ts'))) {
    const text = readFileSync(join(root, 'tests', 'exercises', file), 'utf8');
    for (const m of text.matchAll(/hint step (\d+) of (\d\d)\b/g)) {
      const exercise = exercises.find((e) => e.name.startsWith(m[2]));
      expect({
        file,
        named: m[0],
        exists: exercise !== undefined && Number(m[1]) <= hintSteps(root, exercise.name).length,
      }).toEqual({
        file,
        named: m[0],
        exists: true,
      });
    }
  }
  const saved = process.env[ENV.gradeFrom];
  process.env[ENV.gradeFrom] = 'notebook';
  try {
    expect(hintCommand('01-cosine-similarity')).toBe("await hint('01')");
    expect(hintCommand('01-cosine-similarity', 3)).toBe("await hint('01', 3)");
    expect(namedStepHint(steps, 1, '01-cosine-similarity', 3)).toBe(
      "hint steps seen: 1 of 3; the check points to step 3 (the shape of the code): await hint('01', 3)",
    );
  } finally {
    if (saved === undefined) delete process.env[ENV.gradeFrom];
    else process.env[ENV.gradeFrom] = saved;
  }
});

test('npm run grade -- --hint NN reveals the steps one call at a time and keeps them in .progress.json', () => {
  const dir = tempDir();
  const cli = (args: string[]) =>
    spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'grade.ts'), '--dir', dir, ...args],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
  const first = cli(['--hint', '04']);
  expect(first.status).toBe(0);
  expect(first.stdout).toContain('04-contrastive-loss · ');
  expect(first.stdout).toContain('Step 1 · the idea (new)');
  expect(first.stdout).toContain('Next step (the formula): npm run grade -- --hint 04');
  const second = cli(['--hint', 'contrastive']);
  expect(second.stdout).toContain('Step 1 · the idea\n');
  expect(second.stdout).toContain('Step 2 · the formula (new)');
  expect(existsSync(join(dir, PROGRESS_FILE))).toBe(true);
  expect(readProgress(dir)).toEqual({ '04-contrastive-loss': 2 });
  // --step N: every step up to N in one call, remembered like the others
  const upTo = cli(['--hint', '01', '--step', '3']);
  expect(upTo.status).toBe(0);
  expect(upTo.stdout).toContain('01-cosine-similarity · ');
  expect(upTo.stdout).toContain('hint steps 1–3 of 3');
  expect(upTo.stdout).toContain('Step 3 · the shape of the code (new)');
  expect(readProgress(dir)).toEqual({ '04-contrastive-loss': 2, '01-cosine-similarity': 3 });
  const tooFar = cli(['--hint', '01', '--step', '4']);
  expect(tooFar.status).toBe(2);
  expect(tooFar.stderr).toContain('01-cosine-similarity has hint steps 1 to 3; there is no step 4');
  const notHint = cli(['01', '--step', '2']);
  expect(notHint.status).toBe(2);
  expect(notHint.stderr).toContain('--step goes with --hint');
}, 120_000);
