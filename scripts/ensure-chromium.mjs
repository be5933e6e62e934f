#!/usr/bin/env node
// Makes sure Debian's headless-capable Chromium is at /usr/bin/chromium, for the test that opens a notebook's
// HTML export in a real browser (tests/html-export.test.ts). Nothing is downloaded from a browser vendor:
// the browser is Debian's `chromium` package, installed with apt when missing.
//
//   node scripts/ensure-chromium.mjs        # prints the path, installing when missing (as root)
//
// Not root and no Chromium: exits 1 with the exact `sudo apt-get …` command to run once.
// Plain JavaScript, no dependencies, so it can run before anything else is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const APT_PACKAGES = ['chromium'];
// The fonts the charts are drawn with (DejaVu Sans); Chromium also uses them for the exported page's text.
const FONT_PACKAGES = ['fonts-dejavu-core'];

export class ChromiumSetupError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ChromiumSetupError';
  }
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function installCommand() {
  return `apt-get update && apt-get install -y --no-install-recommends ${[...APT_PACKAGES, ...FONT_PACKAGES].join(' ')}`;
}

/** Retries apt while another process holds its lock (other tools may be installing at the same time). */
function runApt(log) {
  const cmd = installCommand();
  for (let attempt = 1; attempt <= 10; attempt++) {
    const r = spawnSync('sh', ['-c', cmd], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status === 0) return;
    const text = `${r.stdout}\n${r.stderr}`;
    if (/Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock/.test(text) && attempt < 10) {
      log(`apt is busy (another install is running); retrying in 10 s (attempt ${attempt}/10)`);
      spawnSync('sleep', ['10']);
      continue;
    }
    throw new ChromiumSetupError(
      `Installing Debian's chromium package failed (\`${cmd}\` exited with ${r.status}).\n${text.slice(-2000)}`,
    );
  }
}

/**
 * Returns the path of a Chromium that can run headless, installing Debian's package when it is missing.
 *
 *   ensureChromium()   // → '/usr/bin/chromium'
 */
export function ensureChromium({ log = (m) => console.log(`[chromium] ${m}`) } = {}) {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (!isRoot()) {
    throw new ChromiumSetupError(
      `No Chromium at ${CHROMIUM_PATH}, and this process is not root, so it cannot install it.\n` +
        "Install Debian's package once, as an administrator, then run the tests again:\n\n" +
        `    sudo sh -c '${installCommand()}'\n`,
    );
  }
  log(`no Chromium at ${CHROMIUM_PATH}; installing Debian's package (${APT_PACKAGES.join(' ')}), a few minutes…`);
  runApt(log);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ChromiumSetupError(`apt installed ${APT_PACKAGES.join(' ')} but ${CHROMIUM_PATH} is still missing.`);
  }
  log(`installed ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err instanceof ChromiumSetupError ? err.message : err.stack);
    process.exit(1);
  }
}
