// The checks on the edges of the exercises' contracts that a natural first attempt misses, graded by the real CLI
// (scripts/grade.ts --dir) on a temporary folder of wrong answers: each wrong answer fails the check meant for it,
// with the message that explains it and a hint line that names the failing function (or, when only an earlier
// exercise is unfinished, points there). Every failing exercise shows one line about hints, never two.
// That the new checks fail on the untouched stubs is scripts/check-stubs.mjs's job; that they pass on the
// solutions, plain jest's (tests/exercises/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listExercises } from '../../lib/learner/catalog';
import { failingFunction } from '../../lib/learner/evaluate';
import { NOT_IMPLEMENTED_FILE, NOT_IMPLEMENTED_SOURCE, stubFor } from '../../lib/learner/stubs';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const exercises = listExercises(root).map((e) => e.name);
const solution = (name: string) => readFileSync(join(root, 'solutions', `${name}.ts`), 'utf8');
/** The solution with `from` replaced by `to` (each must be found exactly once). */
const wrong = (name: string, ...edits: [string, string][]) =>
  edits.reduce((text, [from, to]) => {
    if (text.split(from).length !== 2)
      throw new Error(`fixture: "${from}" is not in solutions/${name}.ts exactly once`);
    return text.replace(from, () => to);
  }, solution(name));

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'exercise-edges-'));
  folders.push(dir);
  writeFileSync(join(dir, NOT_IMPLEMENTED_FILE), NOT_IMPLEMENTED_SOURCE);
  for (const name of exercises) writeFileSync(join(dir, `${name}.ts`), files[name] ?? solution(name));
  return dir;
}

function grade(dir: string, ...names: string[]): string {
  const r = spawnSync(process.execPath, [tsx, join(root, 'scripts', 'grade.ts'), '--dir', dir, ...names], {
    cwd: root,
    encoding: 'utf8',
    timeout: 170_000,
  });
  expect(r.status).toBe(0);
  return `${r.stdout}${r.stderr}`;
}

/** The lines of one exercise's entry in a report, from its mark to the next exercise. */
function entry(report: string, name: string): string {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^  \\S ${name}\\b`).test(line));
  if (start < 0) throw new Error(`no entry for ${name} in:\n${report}`);
  const end = lines.findIndex((line, i) => i > start && /^ {2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

// The softmax most people write first: scale, then subtract Math.max(...scaled).
const SCALE_FIRST_SOFTMAX = `  const scaled = logits.map((x) => x * logitScale);
  const top = Math.max(...scaled);
  const exps = scaled.map((x) => Math.exp(x - top));
  let sum = 0;
  for (const e of exps) sum += e;`;
const SOFTMAX_BODY = `  const exps = logits.map((logit) => Math.exp(logitScale * (logit - largest)));
  let sum = 0;
  for (const e of exps) sum += e;`;

test('each wrong answer fails its check in plain words, and the hint line names what to do next', () => {
  const dir = folder({
    '01-cosine-similarity': stubFor(root, '01-cosine-similarity'), // unfinished: 04's only failure is that
    '02-softmax-topk': wrong('02-softmax-topk', [SOFTMAX_BODY, SCALE_FIRST_SOFTMAX]),
    '05-zero-shot': wrong('05-zero-shot', [
      `.map((label, i) => ({ label, probability: probabilities[i], i }))
    .sort((a, b) => b.probability - a.probability || a.i - b.i)`,
      `.map((label, i) => ({ label, probability: probabilities[i], i }))
    .sort((a, b) => cosines[b.i] - cosines[a.i] || a.i - b.i)`,
    ]),
    '06-prompt-ensembling': wrong('06-prompt-ensembling', ['if (!(length >= 1e-9)) {', 'if (length === 0) {']),
    '07-retrieval-recall': wrong('07-retrieval-recall', [
      'if (!Number.isInteger(k) || k < 1 || k > imageEmbeddings.length) {',
      'if (!Number.isInteger(k) || k < 1) {',
    ]),
    '08-confidence-analysis': wrong('08-confidence-analysis', [
      'normalizedEntropy: Math.min(1, entropy / Math.log(probabilities.length)),',
      'normalizedEntropy: entropy / Math.log(probabilities.length),',
    ]),
    '09-shapes-zero-shot': wrong('09-shapes-zero-shot', ['table[t][p]++;', 'table[p][t]++;']),
  });
  const report = grade(dir);

  // 02: multiplying by the scale first overflows
  expect(entry(report, '02-softmax-topk')).toMatch(
    /softmax\(\[1e\+?308, 0\], 100\) should be \[1, 0\].*100 × 1e308 is Infinity in float64, and Infinity − Infinity is NaN\. Subtract the largest logit before you multiply by the scale \(see hint step 2 of 02\)\. It returned \[NaN, NaN\]/,
  );
  // the check names hint step 2, and the hint line gives the command that shows exactly that step
  expect(entry(report, '02-softmax-topk')).toContain(
    'Hint: softmax: hint steps seen: 0 of 3; the check points to step 2 (the formula): npm run grade -- --hint 02 --step 2',
  );
  // 04 is right; only its use of the unfinished 01 fails, and the hint points at 01
  expect(entry(report, '04-contrastive-loss')).toMatch(/✗ 04-contrastive-loss\s+failed \((\d+)\/(\d+) checks pass\)/);
  expect(entry(report, '04-contrastive-loss')).toContain(
    'Hint: finish exercise 01 first: npm run grade -- 01 (its hints: npm run grade -- --hint 01)',
  );
  expect(entry(report, '04-contrastive-loss')).not.toContain('--hint 04');
  // 05: labels sorted by cosine instead of by the computed probabilities
  expect(entry(report, '05-zero-shot')).toMatch(
    /the labels of zeroShotClassify\(\[1, 0\], \[\[1, 0\], \[-1, 0\], \[-1, 0\.2\]\], \["a", "b", "c"\], 1000\) should be \["a", "b", "c"\], because "b" \(cosine −1\) and "c" \(cosine −0\.98\) both get probability exactly 0 at scale 1000.*Sort by the probabilities, not by the cosines \(see hint step 2 of 05\)\. It returned \["a", "c", "b"\]/,
  );
  // 06: only an exact 0 rejected
  expect(entry(report, '06-prompt-ensembling')).toMatch(
    /ensembleEmbedding\(\[\[1, 0\], \[-0\.5, 0\.8660254\], \[-0\.5, -0\.8660254\]\]\) should throw EnsembleError, because these are three unit vectors 120° apart.*rounding dust of length about 1e-16, not a direction\. The contract rejects a mean shorter than 1e-9, not only an exact 0 \(see hint step 2 of 06\)\. It returned/,
  );
  expect(entry(report, '06-prompt-ensembling')).toMatch(/Hint: ensembleEmbedding: /);
  // 07: the check's title starts with rankImages, but recallAtK failed: the hint line says recallAtK
  expect(entry(report, '07-retrieval-recall')).toMatch(
    /First failure \(rankImages and recallAtK: bad inputs are rejected\):\s+recallAtK\(\[\[1, 0\]\], \[\[1, 0\], \[0\.8, 0\.6\], \[0, 1\], \[-1, 0\]\], \[0\], 5\) should throw RetrievalInputError/,
  );
  expect(entry(report, '07-retrieval-recall')).toMatch(
    /Hint: recallAtK: hint steps seen: 0 of 3; step \d \([^)]+\) is about recallAtK/,
  );
  expect(entry(report, '07-retrieval-recall')).not.toContain('IMAGES');
  // 08: H / ln n unclamped
  expect(entry(report, '08-confidence-analysis')).toMatch(
    /analyzePrediction\(5 equal probabilities 1\/5, labels\)\.normalizedEntropy should be 1 .*and not above 1 even by a rounding error\. It returned 1\.0000000000000002\. The entropy and ln 5 are each rounded in float64.*\(see hint step 2 of 08\)/,
  );
  expect(entry(report, '08-confidence-analysis')).toContain(
    'Hint: analyzePrediction: hint steps seen: 0 of 3; the check points to step 2 (the formula): npm run grade -- --hint 08 --step 2',
  );
  // 09: the check's title starts with accuracy, but confusionMatrix failed
  expect(entry(report, '09-shapes-zero-shot')).toMatch(
    /First failure \(accuracy and confusionMatrix: counted by hand\):\s+confusionMatrix\(/,
  );
  expect(entry(report, '09-shapes-zero-shot')).toMatch(/Hint: confusionMatrix: /);
  // one line about hints per failing exercise
  for (const name of exercises) {
    const lines = entry(report, name).split('\n');
    if (!lines[0].includes('✗')) continue;
    expect({ name, hintLines: lines.filter((line) => /^\s+(Hint|More hints):/.test(line)).length }).toEqual({
      name,
      hintLines: 1,
    });
  }
}, 180_000);

test('02 spreads 200,000 logits into Math.max, 09 picks the class by cosine: each check says why', () => {
  const dir = folder({
    '02-softmax-topk': wrong('02-softmax-topk', [
      `  let largest = -Infinity;
  logits.forEach((logit, i) => {
    if (!Number.isFinite(logit)) {
      throw new LogitsInputError(\`softmax: logit \${i} is \${logit}, not a finite number; fix the input.\`);
    }
    if (logit > largest) largest = logit;
  });`,
      `  logits.forEach((logit, i) => {
    if (!Number.isFinite(logit)) {
      throw new LogitsInputError(\`softmax: logit \${i} is \${logit}, not a finite number; fix the input.\`);
    }
  });
  const largest = Math.max(...logits);`,
    ]),
    '09-shapes-zero-shot': wrong('09-shapes-zero-shot', [
      `    const p = softmax(
      classEmbeddings.map((c) => cosineSimilarity(image, c)),
      logitScale,
    );
    let best = 0;
    for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;`,
      `    const cosines = classEmbeddings.map((c) => cosineSimilarity(image, c));
    const p = softmax(cosines, logitScale);
    let best = 0;
    for (let j = 1; j < p.length; j++) if (cosines[j] > cosines[best]) best = j;`,
    ]),
  });
  const report = grade(dir, '02', '09');
  expect(entry(report, '09-shapes-zero-shot')).toMatch(
    /classifyImages\(\[\[1, 0\]\], \[\[0, 1\], \[1, 0\]\], 1e-20\)\[0\] should be \{ ?index: 0, score: 0\.5 ?\}, because class 1 has the higher cosine .*Pick the class from the computed probabilities, not from the cosines \(see hint step 2 of 09\)\. It returned \{ ?index: 1, score: 0\.5 ?\}/,
  );
  expect(entry(report, '02-softmax-topk')).toMatch(
    /softmax\(200,000 logits 0, 1, 0, 1, …, 1\) threw RangeError: Maximum call stack size exceeded\. The contract holds for any number of logits, but spreading an array into a call .* Find the largest logit with a loop instead \(see hint step 3 of 02\)\./,
  );
  // each check names a hint step; the hint line gives the command that shows it
  expect(entry(report, '02-softmax-topk')).toContain(
    'Hint: softmax: hint steps seen: 0 of 3; the check points to step 3 (the shape of the code): npm run grade -- --hint 02 --step 3',
  );
  expect(entry(report, '09-shapes-zero-shot')).toContain(
    'the check points to step 2 (the formula): npm run grade -- --hint 09 --step 2',
  );
}, 180_000);

test('failingFunction: the function a failure message calls, else the last one called, else the title', () => {
  const fns = ['rankImages', 'recallAtK'];
  const t = (failure: string, lastCalled?: string) => ({
    title: 'rankImages and recallAtK: x',
    passed: false,
    failure,
    lastCalled,
  });
  expect(failingFunction(fns, t('recallAtK([[1, 0]], …) should throw RetrievalInputError'))).toBe('recallAtK');
  expect(failingFunction(fns, t('the labels of recallAtK(…) and rankImages(…)'))).toBe('recallAtK');
  expect(failingFunction(fns, t('recall@k can only grow with k', 'recallAtK'))).toBe('recallAtK');
  expect(failingFunction(fns, t('NotImplementedError: recallAtK (exercise 07) is not implemented yet'))).toBe(
    'recallAtK',
  );
  expect(failingFunction(fns, t('something else'))).toBe('rankImages');
  expect(failingFunction(['accuracy'], t('the accuracy over the bins should be the same', 'accuracy'))).toBe(
    'accuracy',
  );
});
