#!/usr/bin/env node
// `npm run bench [-- NAME]`: runs every bench/*.bench.ts (or those whose name contains NAME) one after
// another with tsx. Each bench alternates paired rounds of ours and a named peer (its best known path), prints
// its work in natural units and the ratio (median of the paired rounds), and writes build/bench/NAME.json. The
// last lines list every target of the run as met or not.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

const filter = process.argv[2] ?? '';
const benches = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
if (!benches.length) {
  console.error(`no bench/*.bench.ts matches "${filter}"`);
  process.exit(2);
}

// The preprocessing bench's peer is Pillow (Debian's python3-pil with python3-numpy); say so up front when missing.
if (benches.some((b) => b.startsWith('preprocess'))) {
  const hasPillow = ['/usr/bin/python3', 'python3'].some(
    (py) => spawnSync(py, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0,
  );
  if (!hasPillow) {
    console.log(
      "note: python3-pil (with python3-numpy) is not installed, so bench/preprocess skips its Pillow peer and cannot check the ≥ 1.1× Pillow target. Install Debian's: sudo apt-get install -y python3-pil python3-numpy",
    );
  }
}

const resultsDir = join(root, 'build', 'bench');
let failed = 0;
for (const b of benches) {
  console.log(`\n### bench/${b}`);
  rmSync(join(resultsDir, b.replace('.bench.ts', '.json')), { force: true });
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join('bench', b)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}

console.log('\n### targets (build/bench/*.json)');
for (const b of benches) {
  const file = join(resultsDir, b.replace('.bench.ts', '.json'));
  if (!existsSync(file)) {
    console.log(`${b}: no result written`);
    continue;
  }
  const { targets = [] } = JSON.parse(readFileSync(file, 'utf8'));
  for (const t of targets)
    console.log(
      `${t.met ? 'met    ' : 'NOT met'} ${t.name}: ${t.ratio.toFixed(2)}× (target ≥ ${t.target}×, ${t.measure === 'cpu' ? 'per CPU-second' : 'wall clock'})`,
    );
}
process.exit(failed ? 1 : 0);
