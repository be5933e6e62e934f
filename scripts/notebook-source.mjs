#!/usr/bin/env node
// Authoring aid: converts between a notebook and a plain-text "percent" source, so notebooks can be
// written and reviewed as text. Only the .ipynb (without outputs) is committed.
//
//   node scripts/notebook-source.mjs to-ipynb  SOURCE.ts  notebooks/NAME.ipynb
//   node scripts/notebook-source.mjs to-source notebooks/NAME.ipynb  SOURCE.ts
//
// Source format: a line `// %% [markdown]` starts a markdown cell (its lines are the markdown as is),
// a line `// %%` starts a code cell.
import { readFileSync, writeFileSync } from 'node:fs';

const MD = '// %% [markdown]';
const CODE = '// %%';

function toIpynb(text) {
  const cells = [];
  let cur = null;
  for (const line of text.split('\n')) {
    if (line.trim() === MD || line.trim() === CODE) {
      if (cur) cells.push(cur);
      cur = { type: line.trim() === MD ? 'markdown' : 'code', lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  if (cur) cells.push(cur);
  const toSource = (lines) => {
    while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
    while (lines.length && lines[0].trim() === '') lines.shift();
    return lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
  };
  return {
    cells: cells.map((c) =>
      c.type === 'markdown'
        ? { cell_type: 'markdown', metadata: {}, source: toSource(c.lines) }
        : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: toSource(c.lines) },
    ),
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: {
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
        file_extension: '.ts',
        mimetype: 'text/typescript',
        name: 'typescript',
        version: '3.7.2',
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function toSource(nb) {
  return nb.cells.map((c) => `${c.cell_type === 'markdown' ? MD : CODE}\n${[].concat(c.source).join('')}\n`).join('\n');
}

const [cmd, from, to] = process.argv.slice(2);
if (cmd === 'to-ipynb') {
  const nb = toIpynb(readFileSync(from, 'utf8'));
  nb.cells.forEach((c, i) => (c.id = `cell-${String(i + 1).padStart(2, '0')}`));
  writeFileSync(to, JSON.stringify(nb, null, 1) + '\n');
} else if (cmd === 'to-source') {
  writeFileSync(to, toSource(JSON.parse(readFileSync(from, 'utf8'))));
} else {
  console.error('usage: node scripts/notebook-source.mjs to-ipynb SOURCE.ts OUT.ipynb | to-source NB.ipynb OUT.ts');
  process.exit(2);
}
