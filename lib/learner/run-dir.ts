/**
 * Where learner processes' run folders go, and how a stopped run's processes are found and ended: every
 * process group a `LearnerProcess` starts is registered as `<run folder>/pgids/<pgid>` until it ends.
 *
 * @example
 *   process.env[RUN_DIR_ENV] = '/tmp/grade-run-x';   // set by grade() and the grader CLI
 *   killRegistered('/tmp/grade-run-x');               // 0 when everything has ended already
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * The environment variable naming a folder under which every run folder goes and every child's process group
 * is registered (`pgids/<pgid>`): `grade()` and the grader CLI set it, and `killRegistered` ends whatever a
 * stopped run left behind.
 */
export const RUN_DIR_ENV = 'LEARNER_RUN_DIR';

let ownRunRoot: string | undefined;
/** The folder run folders go in: $LEARNER_RUN_DIR, else one temporary folder per process (removed at exit). */
export function runRoot(): string {
  const fromEnv = process.env[RUN_DIR_ENV];
  if (fromEnv) {
    fs.mkdirSync(path.join(fromEnv, 'pgids'), { recursive: true });
    return fs.realpathSync(fromEnv);
  }
  if (!ownRunRoot) {
    ownRunRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'learner-run-')));
    fs.mkdirSync(path.join(ownRunRoot, 'pgids'));
    const root = ownRunRoot;
    process.once('exit', () => {
      killRegistered(root);
      fs.rmSync(root, { recursive: true, force: true });
    });
  }
  return ownRunRoot;
}

/** Kills every process group registered under `root` (a run that was stopped); returns how many it signalled. */
export function killRegistered(root: string): number {
  let killed = 0;
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(path.join(root, 'pgids'));
  } catch {
    return 0;
  }
  for (const name of entries) {
    const pgid = Number(name);
    if (!(pgid > 1)) continue;
    try {
      process.kill(-pgid, 'SIGKILL');
      killed++;
    } catch {
      // already gone
    }
    fs.rmSync(path.join(root, 'pgids', name), { force: true });
  }
  return killed;
}
