#!/usr/bin/env node
// Part of `npm test`: every exercise's tests must fail on its pristine stub, each with NotImplementedError,
// and the committed stubs must be the ones generated from solutions/. The work is done in TypeScript by
// lib/learner/check-stubs.ts (which explains the method); this file only runs it with tsx.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const r = spawnSync(process.execPath, [tsx, join(root, 'lib', 'learner', 'check-stubs.ts')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
