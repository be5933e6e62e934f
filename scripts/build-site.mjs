#!/usr/bin/env node
// `npm run site`: the executed chapter as a static web site that works offline (open it from disk or publish
// the folder as is). Every executed notebook in build/notebooks/ (written by `npm run notebooks`) becomes an
// HTML page in build/site/, rendered by nbconvert; index.html follows the chapter: each notebook's title, its
// sections, links to them (the anchors are nbconvert's own heading ids). Charts are PNGs inside the pages; the Plotly 3-D view loads plotly.js from the site
// (plotly.min.js, copied from the plotly.js-dist-min package, once instead of inside each page); MathJax and
// require.js come from Debian's packages when present (otherwise formulas show as TeX source). No page makes
// a request outside the folder.
//
//   npm run notebooks && npm run site      # then open build/site/index.html
//   node scripts/build-site.mjs --from DIR --to DIR
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, findJupyterPython, jupyterEnv, SetupError } from './setup.mjs';

const log = (msg) => console.log(`[site] ${msg}`);
const MATHJAX_DIR = '/usr/share/javascript/mathjax';
const MATHJAX_CONFIG = 'TeX-AMS_CHTML-full';
// what MathJax 2 loads for TeX input and CommonHTML output (about 2 MB of its 54)
const MATHJAX_PARTS = [
  'MathJax.js',
  `config/${MATHJAX_CONFIG}.js`,
  'config/Safe.js',
  'extensions',
  'jax/element',
  'jax/input',
  'jax/output/CommonHTML',
  'fonts/HTML-CSS/TeX/woff',
  'localization/en',
];
const REQUIRE_JS = '/usr/share/javascript/requirejs/require.min.js';
const PLOTLY_TAG = '<script type="text/javascript" src="plotly.min.js"></script>';

const escapeHtml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const textOf = (html) =>
  html
    .replace(/<a class="anchor-link"[\s\S]*?<\/a>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&para;|¶/g, '')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();

/** The notebook JSON with any inlined plotly.js bundle replaced by a reference to the site's copy. */
function linkPlotly(nb) {
  let replaced = 0;
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      const html = out.data?.['text/html'];
      if (html === undefined) continue;
      const text = Array.isArray(html) ? html.join('') : html;
      const linked = text.replace(/<script type="text\/javascript">([\s\S]*?)<\/script>/g, (whole, body) => {
        if (body.length < 1_000_000 || !/plotly/i.test(body.slice(0, 2000))) return whole;
        replaced++;
        return PLOTLY_TAG;
      });
      out.data['text/html'] = linked;
    }
  }
  return replaced;
}

/** [{ level, id, text }] of the h1/h2 headings nbconvert wrote, with their anchors. */
function headings(html) {
  const found = [];
  for (const m of html.matchAll(/<h([12])\s+id="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/g))
    found.push({ level: Number(m[1]), id: m[2], text: textOf(m[3]) });
  return found;
}

function pageNav(pages, i) {
  const link = (p, label) => `<a href="${encodeURI(p.file)}" style="color:#0b5cad">${label}</a>`;
  const parts = [`<a href="index.html" style="color:#0b5cad">↑ chapter index</a>`];
  if (i > 0) parts.push(link(pages[i - 1], `← ${escapeHtml(pages[i - 1].title)}`));
  if (i < pages.length - 1) parts.push(link(pages[i + 1], `${escapeHtml(pages[i + 1].title)} →`));
  return `<nav class="vlm-site-nav" style="font:14px/1.6 'DejaVu Sans',sans-serif;padding:8px 16px;border-bottom:1px solid #ddd;display:flex;gap:24px;flex-wrap:wrap">${parts.join('')}</nav>`;
}

function indexPage(pages) {
  const items = pages.map((p) => {
    const sections = p.sections
      .map((s) => `<li><a href="${encodeURI(p.file)}#${escapeHtml(s.id)}">${escapeHtml(s.text)}</a></li>`)
      .join('\n');
    const status =
      p.result && !p.result.ok
        ? ` <span class="failed">(this run failed at cell ${p.result.cell ?? '?'}: the page shows the cells up to it)</span>`
        : '';
    return `<li class="notebook"><a class="title" href="${encodeURI(p.file)}">${escapeHtml(p.title)}</a>${status}
<div class="file">${escapeHtml(p.notebook)}</div>${sections ? `\n<ol class="sections">\n${sections}\n</ol>` : ''}</li>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Vision-language models in TypeScript — the executed chapter</title>
<style>
body { font: 16px/1.5 'DejaVu Sans', sans-serif; max-width: 860px; margin: 32px auto; padding: 0 16px; color: #222; }
h1 { font-size: 28px; } a { color: #0b5cad; } .file { color: #666; font-size: 13px; font-family: monospace; }
li.notebook { margin: 18px 0; } a.title { font-size: 19px; font-weight: bold; } ol.sections { margin: 6px 0; }
.failed { color: #b00; } footer { color: #666; font-size: 13px; margin-top: 40px; }
</style>
</head>
<body>
<h1>Vision-language models in TypeScript — the executed chapter</h1>
<p>Every notebook of the course as it ran, with its outputs: read the chapter in order, or jump to a section.
The charts are pictures; the 3-D view can be turned with the mouse. Everything here works offline.</p>
<ol class="chapter">
${items.join('\n')}
</ol>
<footer>Built by <code>npm run site</code> from the executed notebooks in <code>build/notebooks/</code> (<code>npm run notebooks</code>).</footer>
</body>
</html>
`;
}

/** Renders every executed notebook in `from` into `to`; returns the pages. */
export function buildSite({ from = join(root, 'build', 'notebooks'), to = join(root, 'build', 'site') } = {}) {
  const notebooks = existsSync(from)
    ? readdirSync(from)
        .filter((f) => f.endsWith('.ipynb'))
        .sort()
    : [];
  if (!notebooks.length) {
    throw new SetupError(
      `No executed notebooks in ${from}. Run the notebooks first: \`npm run notebooks\` (all, a few minutes) or ` +
        '`npm run notebooks -- notebooks/01-shared-embedding-space.ipynb` (one); then `npm run site` again.',
    );
  }
  const python = findJupyterPython();
  if (!python) throw new SetupError('No Python with Jupyter (nbconvert) was found. Run `npm run setup` first.');
  let results = [];
  try {
    results = JSON.parse(readFileSync(join(from, 'results.json'), 'utf8'));
  } catch {
    /* a folder without the runner's summary: no failure marks */
  }

  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'vlm-site-'));
  try {
    let plotlyViews = 0;
    for (const file of notebooks) {
      const nb = JSON.parse(readFileSync(join(from, file), 'utf8'));
      plotlyViews += linkPlotly(nb);
      // the page's <title>: the notebook's own title (its first "# " heading), not its file name
      const first = nb.cells.find((c) => c.cell_type === 'markdown');
      const h1 = first && /^#\s+(.+)$/m.exec([].concat(first.source).join(''));
      if (h1) nb.metadata = { ...nb.metadata, title: h1[1].trim() };
      writeFileSync(join(work, file), JSON.stringify(nb));
    }
    const hasMathJax = existsSync(join(MATHJAX_DIR, 'MathJax.js'));
    const hasRequire = existsSync(REQUIRE_JS);
    const args = [
      '-m',
      'nbconvert',
      '--to',
      'html',
      '--log-level=WARN',
      '--output-dir',
      to,
      `--HTMLExporter.mathjax_url=mathjax/MathJax.js?config=${MATHJAX_CONFIG},Safe`,
      '--HTMLExporter.require_js_url=require.min.js',
      ...notebooks.map((f) => join(work, f)),
    ];
    const r = spawnSync(python, args, { cwd: root, env: jupyterEnv(), encoding: 'utf8' });
    if (r.status !== 0)
      throw new SetupError(`nbconvert could not render the notebooks (exit ${r.status}):\n${r.stderr.slice(-3000)}`);

    // assets the pages load, all from inside the folder
    cpSync(join(root, 'node_modules', 'plotly.js-dist-min', 'plotly.min.js'), join(to, 'plotly.min.js'));
    if (hasRequire) cpSync(REQUIRE_JS, join(to, 'require.min.js'));
    if (hasMathJax)
      for (const part of MATHJAX_PARTS)
        cpSync(join(MATHJAX_DIR, part), join(to, 'mathjax', part), { recursive: true, dereference: true });

    const pages = notebooks.map((file) => {
      const page = file.replace(/\.ipynb$/, '.html');
      const html = readFileSync(join(to, page), 'utf8');
      const hs = headings(html);
      const result = results.find((x) => basename(x.notebook) === file);
      return {
        notebook: `notebooks/${file}`,
        file: page,
        title: hs.find((h) => h.level === 1)?.text ?? file,
        sections: hs.filter((h) => h.level === 2),
        result,
      };
    });
    pages.forEach((p, i) => {
      let html = readFileSync(join(to, p.file), 'utf8');
      if (!hasRequire) html = html.replace(/<script src="require\.min\.js"><\/script>/, '');
      if (!hasMathJax) html = html.replace(/<script[^>]*src="mathjax\/MathJax\.js[^"]*"[^>]*><\/script>/g, '');
      // a 3-D view whose plotly.js was not in this notebook's outputs still finds it
      if (html.includes('vlm-plotly-3d') && !html.includes(PLOTLY_TAG))
        html = html.replace('</head>', `${PLOTLY_TAG}\n</head>`);
      html = html.replace(/<body([^>]*)>/, (m) => `${m}\n${pageNav(pages, i)}`);
      writeFileSync(join(to, p.file), html);
    });
    writeFileSync(join(to, 'index.html'), indexPage(pages));
    log(
      `${pages.length} page(s) and index.html in ${to}${plotlyViews ? ` (plotly.js linked from ${plotlyViews} 3-D view(s))` : ''}` +
        `${hasMathJax ? '' : `; no MathJax at ${MATHJAX_DIR}: formulas show as TeX (Debian: apt-get install libjs-mathjax)`}`,
    );
    return pages;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (name) => (args.includes(name) ? resolve(args[args.indexOf(name) + 1]) : undefined);
  try {
    buildSite({ from: opt('--from'), to: opt('--to') });
    log('open build/site/index.html in a browser (no server needed)');
  } catch (err) {
    console.error(`[site] ${err instanceof SetupError ? err.message : err.stack}`);
    process.exitCode = 1;
  }
}
