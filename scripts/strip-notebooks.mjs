#!/usr/bin/env node
// `npm run notebooks:strip`: removes outputs, execution counts and per-run metadata from notebooks, in the
// course's canonical layout (the one scripts/notebook-source.mjs writes), so that a notebook you ran and saved
// in Jupyter or VS Code goes back to exactly what git holds when only its outputs changed.
//
//   npm run notebooks:strip                         # every notebooks/*.ipynb, in place; says which changed
//   npm run notebooks:strip -- notebooks/01-….ipynb # only these
//   npm run notebooks:strip -- --check              # change nothing; exit 1 and list the notebooks with outputs
//   node scripts/strip-notebooks.mjs --stdin        # a filter: notebook on stdin, stripped notebook on stdout
//
// `npm test` never reads your working copy's notebooks for this: it checks what git holds (the index). Run
// this before committing a notebook you edited in Jupyter, or let git do it (README, "Notebooks in git").
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

// Metadata a front end writes while running or viewing a notebook (not authored content).
const RUN_CELL_METADATA = ['execution', 'ExecuteTime', 'collapsed', 'scrolled', 'trusted'];
const RUN_NOTEBOOK_METADATA = ['widgets', 'signature', 'vscode'];
const CELL_ORDER = {
  markdown: ['cell_type', 'metadata', 'source', 'id'],
  code: ['cell_type', 'execution_count', 'metadata', 'outputs', 'source', 'id'],
};
const NOTEBOOK_ORDER = ['cells', 'metadata', 'nbformat', 'nbformat_minor'];

/** `obj`'s keys in `order` first, then the others in their own order. */
function ordered(obj, order) {
  const out = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** Lines as Jupyter stores them: every line but the last keeps its "\n". */
function sourceLines(source) {
  const text = Array.isArray(source) ? source.join('') : String(source ?? '');
  if (text === '') return [];
  const lines = text.split('\n');
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
}

/** The notebook without outputs, counts and run metadata (a new object). */
export function stripNotebook(nb) {
  if (!nb || !Array.isArray(nb.cells)) throw new Error('not a notebook: it has no "cells" list');
  const cells = nb.cells.map((cell) => {
    const c = { ...cell, metadata: { ...(cell.metadata ?? {}) }, source: sourceLines(cell.source) };
    for (const k of RUN_CELL_METADATA) delete c.metadata[k];
    if (c.cell_type === 'code') {
      c.outputs = [];
      c.execution_count = null;
    }
    return ordered(c, CELL_ORDER[c.cell_type] ?? CELL_ORDER.markdown);
  });
  const metadata = { ...(nb.metadata ?? {}) };
  for (const k of RUN_NOTEBOOK_METADATA) delete metadata[k];
  return ordered({ ...nb, cells, metadata }, NOTEBOOK_ORDER);
}

/** 1-based numbers of the cells that carry outputs or an execution count. */
export function dirtyCells(nb) {
  return nb.cells
    .map((c, i) => ({ c, n: i + 1 }))
    .filter(({ c }) => (c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
    .map(({ n }) => n);
}

export const serialize = (nb) => `${JSON.stringify(nb, null, 1)}\n`;

function parse(text, where) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${where} is not valid notebook JSON (${err.message}). Fix or restore it: git checkout -- ${where}`,
    );
  }
}

function main(args) {
  if (args.includes('--stdin')) {
    const text = readFileSync(0, 'utf8');
    process.stdout.write(serialize(stripNotebook(parse(text, 'stdin'))));
    return 0;
  }
  const check = args.includes('--check');
  let files = args.filter((a) => !a.startsWith('--'));
  if (!files.length) {
    files = readdirSync(join(root, 'notebooks'))
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => join(root, 'notebooks', f));
  }
  let dirty = 0;
  for (const file of files) {
    const name = relative(process.cwd(), file) || file;
    const text = readFileSync(file, 'utf8');
    const nb = parse(text, name);
    const stripped = serialize(stripNotebook(nb));
    if (stripped === text) continue;
    dirty++;
    const cells = dirtyCells(nb);
    const what = cells.length ? `outputs or counts in cells ${cells.join(', ')}` : 'run metadata or layout';
    if (check) console.log(`[strip] ${name}: ${what}`);
    else {
      writeFileSync(file, stripped);
      console.log(`[strip] ${name}: removed ${what}`);
    }
  }
  if (check) {
    console.log(
      dirty
        ? `[strip] ${dirty} notebook(s) to strip: npm run notebooks:strip`
        : `[strip] ${files.length} notebook(s) clean`,
    );
    return dirty ? 1 : 0;
  }
  console.log(`[strip] ${files.length} notebook(s) checked, ${dirty} stripped`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`[strip] ${err.message}`);
    process.exitCode = 1;
  }
}
