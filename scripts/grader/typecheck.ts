/**
 * Type-checks a learner's exercise files with the course's strict compiler options (tsconfig.json), in
 * process, and returns each problem as file:line:column and a message. jest only transpiles (it ignores
 * types), so this is what tells a learner about a type error, or pinpoints a syntax error.
 */
import { resolve } from 'node:path';
import ts from 'typescript';

/** One syntax or type error in a learner's file. */
export interface TypeProblem {
  kind: 'syntax error' | 'type error';
  /** Absolute path of the file. */
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Compiler options of `<root>/tsconfig.json`, for type-checking alone (no emit, Node's types only). */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  const parsed = configPath
    ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root)
    : undefined;
  return { ...(parsed?.options ?? { strict: true, target: ts.ScriptTarget.ES2022 }), noEmit: true, types: ['node'] };
}

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
  const program = ts.createProgram({ rootNames: [...files], options: compilerOptions(root) });
  const wanted = new Set(files.map((file) => ts.sys.resolvePath(file)));
  const problems: TypeProblem[] = [];
  for (const source of program.getSourceFiles()) {
    if (!wanted.has(ts.sys.resolvePath(source.fileName))) continue;
    const syntactic = program.getSyntacticDiagnostics(source);
    const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(source);
    for (const d of diagnostics) {
      const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      problems.push({
        kind: syntactic.length > 0 ? 'syntax error' : 'type error',
        file: resolve(source.fileName),
        line: line + 1,
        column: character + 1,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
  }
  return problems;
}
