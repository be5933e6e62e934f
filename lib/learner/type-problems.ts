/**
 * Syntax and type errors of a learner's file, as a learner reads them (file:line:column and a message), with the
 * course's compiler options. Shared by the grader (lib/learner/typecheck.ts) and notebook 04's exercise
 * runner (lib/learner/challenge.ts). The TypeScript module is passed in: the notebook side may run on tslab's bundled copy.
 */
import type * as TS from 'typescript';

/** One syntax or type error in a file. */
export interface SourceProblem {
  kind: 'syntax error' | 'type error';
  /** The file as the caller wants it shown (absolute, or relative to the course root). */
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Compiler options of `<root>/tsconfig.json` for type-checking alone (no emit, Node's types only); strict
 * ES2022 defaults when there is no tsconfig.json.
 *
 * @example
 *   courseCompilerOptions(ts, '/course').strict; // true
 */
export function courseCompilerOptions(ts: typeof TS, root: string): TS.CompilerOptions {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  const parsed = configPath ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root) : undefined;
  return { ...(parsed?.options ?? { strict: true, target: ts.ScriptTarget.ES2022 }), noEmit: true, types: ['node'] };
}

/**
 * The problems of one source file of `program`: its syntax errors if it has any (type errors of unparsable code
 * only confuse), otherwise its type errors. `shownAs` is the file name put in each problem.
 *
 * @example
 *   sourceProblems(ts, program, program.getSourceFile(file)!, 'exercises/05-zero-shot.ts');
 *   // [{ kind: 'type error', file: 'exercises/05-zero-shot.ts', line: 70, column: 9, message: "Type 'string' is …" }]
 */
export function sourceProblems(ts: typeof TS, program: TS.Program, source: TS.SourceFile, shownAs: string): SourceProblem[] {
  const syntactic = program.getSyntacticDiagnostics(source);
  const diagnostics = syntactic.length > 0 ? syntactic : program.getSemanticDiagnostics(source);
  return diagnostics.map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      kind: syntactic.length > 0 ? 'syntax error' : 'type error',
      file: shownAs,
      line: line + 1,
      column: character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
}
