/**
 * Syntax and type errors of a learner's file, as a learner reads them (file:line:column and a message), with the
 * course's compiler options. Shared by the grader (lib/learner/typecheck.ts) and notebook 04's exercise
 * runner (lib/learner/challenge.ts). The TypeScript module is passed in: the notebook side may run on tslab's bundled copy.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as TS from 'typescript';
import { COURSE_ROOT } from '../course/paths';
import { relativeToRoot, typescript } from './compile';

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
  const parsed = configPath
    ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root)
    : undefined;
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
export function sourceProblems(
  ts: typeof TS,
  program: TS.Program,
  source: TS.SourceFile,
  shownAs: string,
): SourceProblem[] {
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

/** Parsed library and @types files, kept between type checks (they never change during a session). */
const sharedSourceFiles = new Map<string, TS.SourceFile>();
const typeCheckCache = new Map<string, SourceProblem[]>();

/**
 * Type errors of one exercise file under the course's compiler options (tsconfig.json, Node's types), as the
 * grader reports them; cached by file content, so a second call on an unchanged file is free.
 *
 * @example
 *   typeProblems('/course/exercises/05-zero-shot.ts');
 *   // [{ kind: 'type error', file: 'exercises/05-zero-shot.ts', line: 70, column: 9,
 *   //    message: "Type 'string' is not assignable to type 'number'." }]
 */
export function typeProblems(file: string, root = COURSE_ROOT): SourceProblem[] {
  const ts = typescript();
  const dir = path.dirname(file);
  const contents = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.ts'))
    .sort()
    .map((n) => `${n}\n${fs.readFileSync(path.join(dir, n), 'utf8')}`)
    .join('\n\u0000');
  const key = `${file}\u0000${contents}`;
  const cached = typeCheckCache.get(key);
  if (cached) return cached;
  const options: TS.CompilerOptions = { ...courseCompilerOptions(ts, root), skipLibCheck: true };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const shared = fileName.includes(`${path.sep}node_modules${path.sep}`);
    const hit = shared ? sharedSourceFiles.get(fileName) : undefined;
    if (hit) return hit;
    const sf = getSourceFile(fileName, languageVersion, onError, shouldCreate);
    if (shared && sf) sharedSourceFiles.set(fileName, sf);
    return sf;
  };
  const program = ts.createProgram({ rootNames: [file], options, host });
  const sf = program.getSourceFile(file);
  const problems = sf ? sourceProblems(ts, program, sf, relativeToRoot(file, root)) : [];
  typeCheckCache.set(key, problems);
  return problems;
}
