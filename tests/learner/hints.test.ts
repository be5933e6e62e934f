// Stepped hints (lib/learner/hints.ts, issue 18): no hint text reaches a stub, and every hint step of every
// exercise is reachable with `npm run grade -- --hint NN`, one step per call, remembered per exercise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listExercises } from '../../lib/learner/catalog';
import {
  exportedFunctions,
  hintSteps,
  parseHints,
  PROGRESS_FILE,
  readProgress,
  reportHints,
  revealNextHint,
} from '../../lib/learner/hints';
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
    'hint steps seen: 1 of 3; step 3 (the shape of the code) is about f: npm run grade -- --hint 07 (2 times)',
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
}, 120_000);
