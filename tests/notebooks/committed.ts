// What git holds of the course's notebooks: the staged version (the index), which is what the next commit
// takes and, on a fresh clone, what HEAD has. A learner's working copy (run and saved in Jupyter) is never read.
import { spawnSync } from 'child_process';

export type Cell = { cell_type: string; outputs?: unknown[]; execution_count?: number | null };
export type Notebook = { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };

function git(repo: string, args: string[]): string {
  const r = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    throw new Error(
      `\`git ${args.join(' ')}\` failed in ${repo}: ${r.error?.message ?? r.stderr.trim()}. ` +
        'This check reads the notebooks from git; run it in a clone of the course (git clone …), with git installed.',
    );
  }
  return r.stdout;
}

/** [file name, parsed notebook] for every notebooks/*.ipynb in the index of the repository at `repo`. */
export function committedNotebooks(repo: string): Array<[string, Notebook]> {
  const listing = git(repo, ['ls-files', '--stage', '-z', '--', 'notebooks/*.ipynb']);
  return listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, file] = line.split('\t');
      const blob = meta.split(' ')[1];
      const name = file.replace(/^notebooks\//, '');
      try {
        return [name, JSON.parse(git(repo, ['cat-file', 'blob', blob])) as Notebook] as [string, Notebook];
      } catch (err) {
        throw new Error(`${file} as staged in git is not valid JSON: ${(err as Error).message}`);
      }
    })
    .sort(([a], [b]) => a.localeCompare(b));
}

/** 1-based numbers of the cells with outputs or an execution count (as scripts/strip-notebooks.mjs counts). */
export function dirtyCells(nb: Notebook): number[] {
  return nb.cells
    .map((c, i) => ({ c, n: i + 1 }))
    .filter(({ c }) => (c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
    .map(({ n }) => n);
}
