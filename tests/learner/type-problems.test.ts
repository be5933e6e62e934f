import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import ts from 'typescript';
import { courseCompilerOptions, sourceProblems } from '../../lib/learner/type-problems';

const root = path.join(__dirname, '..', '..');

function problemsOf(code: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'type-problems-'));
  const file = path.join(dir, 'x.ts');
  fs.writeFileSync(file, code);
  const program = ts.createProgram({ rootNames: [file], options: courseCompilerOptions(ts, root) });
  const problems = sourceProblems(ts, program, program.getSourceFile(file)!, 'exercises/x.ts');
  fs.rmSync(dir, { recursive: true, force: true });
  return problems;
}

describe('type-problems', () => {
  test("the course's options are tsconfig.json's, strict, for checking only", () => {
    const o = courseCompilerOptions(ts, root);
    expect(o.strict).toBe(true);
    expect(o.noEmit).toBe(true);
    expect(o.types).toEqual(['node']);
  });

  test('a type error is located at line and column, under the name the caller gives', () => {
    expect(problemsOf('const ok = 1;\nconst n: number = "two";\n')).toEqual([
      {
        kind: 'type error',
        file: 'exercises/x.ts',
        line: 2,
        column: 7,
        message: "Type 'string' is not assignable to type 'number'.",
      },
    ]);
  });

  test('syntax errors are reported instead of (not beside) the type errors they would cause', () => {
    const problems = problemsOf('const n: number = "two";\nfunction f( { return 1; }\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.kind === 'syntax error')).toBe(true);
    expect(problems[0].line).toBe(2);
  });

  test('a clean file has no problems', () => {
    expect(problemsOf('export const n: number = 2;\n')).toEqual([]);
  });
});
