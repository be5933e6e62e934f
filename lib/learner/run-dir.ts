/**
 * Where learner processes' run folders go, and how a stopped run's processes are found and ended: every
 * process group a `LearnerProcess` starts is registered as `<run root>/pgids/<pgid>` until it ends.
 *
 * @example
 *   process.env[RUN_DIR_ENV] = '/tmp/grade-run-x';   // set by grade() and the grader CLI
 *   killRegistered('/tmp/grade-run-x');               // 0 when everything has ended already
 */
import * as fs from 'fs';
import * as os from 'os';
import { ENV } from '../course/paths';
import * as path from 'path';

/**
 * The environment variable naming a folder under which every run folder goes and every child's process group
 * is registered (`pgids/<pgid>`): `grade()` and the grader CLI set it, and `killRegistered` ends whatever a
 * stopped run left behind.
 */
export const RUN_DIR_ENV = ENV.learnerRunDir;

/** Process groups this process (or worker thread) started and that have not ended yet. */
const live = new Map<number, string>();
let exitHook = false;

/**
 * The folder run folders go in: $LEARNER_RUN_DIR, else this user's own folder in the system's temporary folder
 * (one for all processes: a run folder is removed when its process ends, so nothing piles up).
 */
export function runRoot(): string {
  const fromEnv = process.env[RUN_DIR_ENV];
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const root = fromEnv || path.join(os.tmpdir(), `vlm-course-learner-runs-${uid}`);
  fs.mkdirSync(path.join(root, 'pgids'), { recursive: true, mode: 0o700 });
  return fs.realpathSync(root);
}

/** Records a started process group; it is killed when this process exits, should it still run then. */
export function registerGroup(root: string, pgid: number, label: string): void {
  const file = path.join(root, 'pgids', String(pgid));
  fs.writeFileSync(file, `${label}\n`);
  live.set(pgid, file);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const [group, entry] of live) {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {
          // already gone
        }
        fs.rmSync(entry, { force: true });
      }
    });
  }
}

/** Forgets a process group that has ended. */
export function unregisterGroup(pgid: number): void {
  const file = live.get(pgid);
  live.delete(pgid);
  if (file) fs.rmSync(file, { force: true });
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
    live.delete(pgid);
  }
  return killed;
}
