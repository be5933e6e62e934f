#!/usr/bin/env node
// `npm run bench [-- NAME]`: runs every bench/*.bench.ts (or those whose name contains NAME) one after
// another with tsx. Each bench measures ratios against a named peer in the same run and prints a table.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

const filter = process.argv[2] ?? '';
const benches = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
if (!benches.length) {
  console.error(`no bench/*.bench.ts matches "${filter}"`);
  process.exit(2);
}
let failed = 0;
for (const b of benches) {
  console.log(`\n### bench/${b}`);
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join('bench', b)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
