// Committed notebooks carry no outputs and no execution counts (executed copies live in build/notebooks/).
import * as fs from 'fs';
import * as path from 'path';

const dir = path.join(__dirname, '..', '..', 'notebooks');
const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();

type Cell = { cell_type: string; outputs?: unknown[]; execution_count?: number | null; metadata?: Record<string, unknown> };

describe('committed notebooks', () => {
  test('there are notebooks to check', () => {
    expect(notebooks).toContain('00-setup.ipynb');
  });

  test.each(notebooks)('%s carries no outputs, execution counts or kernel state', (file) => {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { cells: Cell[]; metadata: { kernelspec?: { name?: string } } };
    const dirty = nb.cells
      .map((c, i) => ({ c, i: i + 1 }))
      .filter(({ c }) => (c.outputs?.length ?? 0) > 0 || (c.execution_count ?? null) !== null)
      .map(({ i }) => i);
    expect({ file, cellsWithOutputs: dirty }).toEqual({ file, cellsWithOutputs: [] });
    // Every notebook runs on the course's tslab kernel.
    expect(nb.metadata.kernelspec?.name).toBe('tslab');
  });
});
