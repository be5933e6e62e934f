// Every number a notebook's prose states is printed by one of its cells (or appears in its code), or is a fixed fact on
// the short allow-list tests/notebooks/claims-facts.json, with its source. Checked on the executed copies in
// build/notebooks/, so it runs after the notebooks: `npm test` does that (scripts/test.mjs runs this file again with
// CLAIMS_CHECK=1 after executing every notebook). By hand:
//
//   npm run notebooks && CLAIMS_CHECK=1 npx jest tests/notebooks/claims.test.ts
//
// What counts as a number claim in a markdown cell: a decimal ("0.8801", "14.3"), a percentage ("95%", "58.3 %"), a
// ratio ("2.84×", "3× faster"; not a size such as "48 × 48" or "12×12") and a count in millions or billions
// ("400 million"). Not counted: code spans and fenced code (they are commands and names), link targets and URLs, and
// section, figure or version numbers ("§12.5", "Section 12.2.2", "Figure 12.1", heading numbers, "TypeScript 5.0").
//
// A claim is backed when a number in the notebook's outputs (stream text and text/plain) or code equals it at the
// precision the prose writes it (prose "1.79" is backed by a printed 1.791759; "95%" by a printed 95.0% or 0.95, or by
// 0.95 in the code). The sign is ignored (prose writes −, code writes -). What the check cannot see — whether a verdict
// word ("rises", "clearly above chance") follows from a computed comparison — is for the reviewer.
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE_DIR = path.join(ROOT, 'notebooks');
/** The executed copies (CLAIMS_EXECUTED_DIR points elsewhere, e.g. to a folder of copies executed by hand). */
const EXECUTED_DIR = process.env.CLAIMS_EXECUTED_DIR ? path.resolve(process.env.CLAIMS_EXECUTED_DIR) : path.join(ROOT, 'build', 'notebooks');
const EXECUTED_SHOWN = path.relative(ROOT, EXECUTED_DIR) || '.';
const FACTS_FILE = path.join(__dirname, 'claims-facts.json');

export interface Claim {
  /** The claim as written, e.g. "58.3 %", "2.84×", "400 million". */
  text: string;
  /** Its number, without sign. */
  value: number;
  /** Digits after the decimal point, as written. */
  decimals: number;
  kind: 'decimal' | 'percent' | 'ratio' | 'count';
  /** The line it sits on (for the report). */
  line: string;
}

export interface Fact {
  claim: string;
  source: string;
  /** Only in these notebooks (file names); every notebook when absent. */
  notebooks?: string[];
}

type Cell = { cell_type: string; source: string | string[]; outputs?: Array<Record<string, unknown>> };
type Notebook = { cells: Cell[] };

const joinSource = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);

/** Words after which a number names a section, figure, version or identifier, not a quantity. */
const NOT_A_QUANTITY_BEFORE = /(?:§\s*|\b(?:sections?|figures?|fig\.|tables?|chapters?|equations?|eq\.|version|v|typescript|node(?:\.js)?|python|cuda|cudnn|onnx|opset|arxiv:?|isbn|vit-[bl]\/)\s*)$/i;

/** The number claims of one markdown text. */
export function extractClaims(markdown: string): Claim[] {
  const claims: Claim[] = [];
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ') // fenced code
    .replace(/`[^`\n]*`/g, ' ') // code spans
    .replace(/\]\([^)]*\)/g, '] ') // link targets
    .replace(/<[^>\n]+>/g, ' ') // autolinks and HTML tags
    .replace(/https?:\/\/\S+/g, ' '); // bare URLs
  for (const rawLine of text.split('\n')) {
    // "## 12.1 Modalities": the heading's own number is a section number
    const line = rawLine.replace(/^(\s*#+\s*)[\d.]+/, '$1');
    const re = /(\d+(?:\.\d+)*)(\s*%|\s*×(?!\s*\d)|\s+(?:million|billion|thousand)\b)?/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line))) {
      const [whole, num, suffix] = m;
      const before = line.slice(0, m.index);
      const after = line.slice(m.index + whole.length);
      if (/[\w.]$/.test(before)) continue; // part of a word or identifier: "v5", "fp16", "x_1", "1e-3"
      if (NOT_A_QUANTITY_BEFORE.test(before)) continue;
      if ((num.match(/\./g) ?? []).length > 1) continue; // 12.2.2: a section number
      if (/^[\w]/.test(after) && !suffix) continue; // "12px", "2d"
      if (!suffix && !num.includes('.')) continue; // plain integers are not checked (counts, sizes, steps)
      const kind: Claim['kind'] = suffix?.includes('%') ? 'percent' : suffix?.includes('×') ? 'ratio' : suffix ? 'count' : 'decimal';
      const decimals = num.includes('.') ? num.split('.')[1].length : 0;
      claims.push({ text: whole.trim(), value: Number(num), decimals, kind, line: rawLine.trim() });
    }
  }
  return claims;
}

/** Every number written in a text (outputs or code), without sign; `percent` / `times` when a % or × follows it. */
export function numbersIn(text: string): Array<{ value: number; decimals: number; percent: boolean; times: boolean }> {
  const out: Array<{ value: number; decimals: number; percent: boolean; times: boolean }> = [];
  const re = /(\d+(?:\.\d+)?)(?:e([+-]?\d+))?(\s*%)?(\s*×)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const [, num, exp, percent, times] = m;
    const value = Number(num) * (exp ? 10 ** Number(exp) : 1);
    const decimals = num.includes('.') ? num.split('.')[1].length : 0;
    out.push({ value, decimals: exp ? 20 : decimals, percent: Boolean(percent), times: Boolean(times) });
  }
  return out;
}

const roundTo = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
const sameAt = (x: number, claimValue: number, decimals: number) => Math.abs(roundTo(x, decimals) - claimValue) < 10 ** -(decimals + 6);

/**
 * Is the claim backed by a number in `numbers` (from outputs or code) at the precision it is written with? A percentage
 * needs a printed percentage or a fraction (0.95 for 95%); a ratio a printed ratio ("2.84×") or a decimal; a decimal
 * any number with at least as many decimals; a count ("400 million") the number itself or its full value.
 */
export function isBacked(claim: Claim, numbers: ReturnType<typeof numbersIn>): boolean {
  if (claim.kind === 'count') {
    const scale = /billion/.test(claim.text) ? 1e9 : /million/.test(claim.text) ? 1e6 : 1e3;
    return numbers.some((n) => n.value === claim.value * scale);
  }
  return numbers.some((n) => {
    if (claim.kind === 'percent') {
      if (n.percent) return n.decimals >= claim.decimals && sameAt(n.value, claim.value, claim.decimals);
      if (n.value > 1 || n.decimals === 0) return false;
      const asPercent = 100 * n.value;
      return Math.abs(asPercent - claim.value) < 1e-9 || (n.decimals >= claim.decimals + 2 && sameAt(asPercent, claim.value, claim.decimals));
    }
    if (claim.kind === 'ratio' && !n.times && n.decimals === 0) return false;
    if (n.decimals < claim.decimals) return false; // prose cannot be more precise than what was printed
    return sameAt(n.value, claim.value, claim.decimals);
  });
}

const normalise = (s: string) => s.replace(/\s+/g, ' ').replace(/ ([%×])/g, '$1').trim().toLowerCase();

export function loadFacts(file = FACTS_FILE): Fact[] {
  const facts = JSON.parse(fs.readFileSync(file, 'utf8')) as { facts: Fact[] };
  return facts.facts;
}

/** The text a reader sees in a cell's outputs: streams and the plain-text form of every display. */
function outputText(cell: Cell): string {
  return (cell.outputs ?? [])
    .map((o) => {
      if (o.output_type === 'stream') return joinSource(o.text as string | string[]);
      const data = o.data as Record<string, string | string[]> | undefined;
      if (data) return ['text/plain', 'text/markdown', 'text/html'].map((k) => (data[k] ? joinSource(data[k]) : '')).join('\n');
      if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
      return '';
    })
    .join('\n');
}

export interface Unbacked {
  cell: number;
  claim: string;
  line: string;
}

/** The markdown claims of an executed notebook that no output, no code and no fact backs. */
export function unbackedClaims(nb: Notebook, facts: Fact[], file = ''): Unbacked[] {
  const codeAndOutputs = nb.cells.filter((c) => c.cell_type === 'code').map((c) => `${joinSource(c.source)}\n${outputText(c)}`).join('\n');
  const backing = numbersIn(codeAndOutputs);
  const printedText = normalise(codeAndOutputs);
  const allowed = new Set(facts.filter((f) => !f.notebooks || f.notebooks.includes(file)).map((f) => normalise(f.claim)));
  const result: Unbacked[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'markdown') return;
    for (const claim of extractClaims(joinSource(cell.source))) {
      if (allowed.has(normalise(claim.text)) || isBacked(claim, backing) || printedText.includes(normalise(claim.text))) continue;
      result.push({ cell: i + 1, claim: claim.text, line: claim.line.length > 140 ? `${claim.line.slice(0, 137)}…` : claim.line });
    }
  });
  return result;
}

describe('the claim extractor', () => {
  test('finds decimals, percentages, ratios and counts, and skips section numbers, sizes, code and links', () => {
    const md = [
      '## 12.1 Modalities (§12.5, Section 12.2.2, Figure 12.1)',
      'The loss was 0.8801, then 58.3 % vs 4%; fp16 is 2.84× faster, 3× smaller; 400 million pairs.',
      'Images are 48 × 48 or 12×12 pixels; `temperature = 10.5`; [paper](https://arxiv.org/abs/2103.00020); fp16, v5.',
      'With $s \\approx 14.3$ and $t = \\ln(1/0.07)$.',
    ].join('\n');
    expect(extractClaims(md).map((c) => `${c.kind}:${c.text}`)).toEqual([
      'decimal:0.8801', 'percent:58.3 %', 'percent:4%', 'ratio:2.84×', 'ratio:3×', 'count:400 million', 'decimal:14.3', 'decimal:0.07',
    ]);
  });

  test('backs a claim by a printed number at the precision the prose writes', () => {
    const printed = numbersIn('loss 1.791759; accuracy 58.3%; p 0.9700; 2.84× fp32; code: colourShare: 0.9');
    const claim = (md: string) => extractClaims(md)[0];
    expect(isBacked(claim('about 1.79'), printed)).toBe(true);
    expect(isBacked(claim('58.3 %'), printed)).toBe(true);
    expect(isBacked(claim('97%'), printed)).toBe(true);
    expect(isBacked(claim('90%'), printed)).toBe(true);
    expect(isBacked(claim('2.84×'), printed)).toBe(true);
    expect(isBacked(claim('1.7918'), printed)).toBe(true);
    expect(isBacked(claim('1.80'), printed)).toBe(false);
    expect(isBacked(claim('59 %'), printed)).toBe(false);
    expect(isBacked(claim('1.7917591'), printed)).toBe(false); // more precise than anything printed
    expect(isBacked(claim('4%'), numbersIn('const scale = 4;'))).toBe(false); // an integer in code is not a percentage
    expect(isBacked(claim('3×'), numbersIn('3 steps'))).toBe(false);
    expect(isBacked(claim('400 million'), numbersIn('400 images'))).toBe(false);
  });

  test('every fact on the allow-list names its source', () => {
    for (const f of loadFacts()) {
      expect(typeof f.claim).toBe('string');
      expect(f.source.length).toBeGreaterThan(10);
      expect(extractClaims(f.claim)).toHaveLength(1);
    }
  });
});

// The check on the executed notebooks: `npm test` runs it after the notebooks, with CLAIMS_CHECK=1.
const sources = fs.readdirSync(SOURCE_DIR).filter((f) => f.endsWith('.ipynb')).sort();
const describeExecuted = process.env.CLAIMS_CHECK === '1' ? describe : describe.skip;

describeExecuted('every number in a notebook\'s prose is printed by its cells, or is an allow-listed fact', () => {
  test.each(sources)('%s', (file) => {
    const executedPath = path.join(EXECUTED_DIR, file);
    if (!fs.existsSync(executedPath)) throw new Error(`${EXECUTED_SHOWN}/${file} does not exist. Fix: \`npm run notebooks -- notebooks/${file}\`.`);
    const executed = JSON.parse(fs.readFileSync(executedPath, 'utf8')) as Notebook;
    const source = JSON.parse(fs.readFileSync(path.join(SOURCE_DIR, file), 'utf8')) as Notebook;
    const stale = source.cells.length !== executed.cells.length ||
      source.cells.some((c, i) => joinSource(c.source) !== joinSource(executed.cells[i].source));
    if (stale) throw new Error(`${EXECUTED_SHOWN}/${file} was executed from an older version of notebooks/${file}. Fix: \`npm run notebooks -- notebooks/${file}\`.`);
    const problems = unbackedClaims(executed, loadFacts(), file);
    if (problems.length) {
      throw new Error(
        `${problems.length} number${problems.length === 1 ? '' : 's'} in the prose of ${file} ${problems.length === 1 ? 'is' : 'are'} printed by no cell and not on the allow-list:\n` +
          problems.map((p) => `  cell ${p.cell}: "${p.claim}"   in: ${p.line}`).join('\n') +
          '\nFix: print the number from the cell that computes it (and let the prose describe it without the digits), or, for a fixed ' +
          'fact from outside the course (a paper, the chapter), add it with its source to tests/notebooks/claims-facts.json.',
      );
    }
  });
});
