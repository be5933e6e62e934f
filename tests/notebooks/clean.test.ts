// Notebooks are committed without outputs and execution counts (executed copies live in build/notebooks/).
// The check reads what git holds (the index), never the working copy: a learner who runs a notebook in the
// browser and saves it must not make `npm test` fail (tests/notebooks/learner-save.test.ts shows it). To
// commit a notebook you ran, strip it first: `npm run notebooks:strip`.
import * as path from 'path';
import { committedNotebooks, dirtyCells } from './committed';

const root = path.join(__dirname, '..', '..');
const notebooks = committedNotebooks(root);

describe('notebooks as committed in git', () => {
  test('there are notebooks to check', () => {
    expect(notebooks.map(([name]) => name)).toContain('00-setup.ipynb');
  });

  test.each(notebooks)('%s carries no outputs or execution counts, and runs on the tslab kernel', (file, nb) => {
    // on failure: run `npm run notebooks:strip -- notebooks/<file>`, then `git add` it again
    expect({ file, cellsWithOutputs: dirtyCells(nb) }).toEqual({ file, cellsWithOutputs: [] });
    expect(nb.metadata.kernelspec?.name).toBe('tslab');
  });
});
