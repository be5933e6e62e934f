/**
 * Type-checks a learner's exercise files with the course's strict compiler options (tsconfig.json), in
 * process, and returns each problem as file:line:column and a message. jest only transpiles (it ignores
 * types), so this is what tells a learner about a type error, or pinpoints a syntax error.
 */
import { resolve } from 'node:path';
import ts from 'typescript';
import { courseCompilerOptions, sourceProblems, type SourceProblem } from './type-problems';

/** One syntax or type error in a learner's file (here `file` is an absolute path). */
export type TypeProblem = SourceProblem;

/**
 * Syntax and type errors in `files` (absolute paths), in file order; problems in other files are ignored.
 *
 * @example
 * typeCheck(root, ['/course/exercises/01-cosine-similarity.ts']);
 * // [{ kind: 'type error', file: '/course/exercises/01-cosine-similarity.ts', line: 47, column: 3,
 * //    message: "Type 'string' is not assignable to type 'number'." }]
 */
export function typeCheck(root: string, files: readonly string[]): TypeProblem[] {
  if (files.length === 0) return [];
  const program = ts.createProgram({ rootNames: [...files], options: courseCompilerOptions(ts, root) });
  const wanted = new Set(files.map((file) => ts.sys.resolvePath(file)));
  const problems: TypeProblem[] = [];
  for (const source of program.getSourceFiles()) {
    if (!wanted.has(ts.sys.resolvePath(source.fileName))) continue;
    problems.push(...sourceProblems(ts, program, source, resolve(source.fileName)));
  }
  return problems;
}
