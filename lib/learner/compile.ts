/**
 * Turning a learner's exercise folder into JavaScript the sandboxed child can run: every `.ts` file of the
 * folder transpiled to CommonJS (no type check, so a type error cannot stop a run; inline source maps, so stack
 * traces point at the learner's own lines), plus the syntax errors of the file being run.
 *
 * @example
 *   const { files, syntaxProblems } = transpileExerciseFolder('/course/exercises', '05-zero-shot');
 *   Object.keys(files);   // ['05-zero-shot.js', 'not-implemented.js', …]
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as TS from 'typescript';
import { COURSE_ROOT, PATHS } from '../course/paths';
import type { Ending } from './sandbox';
import type { SourceProblem } from './type-problems';

/** The TypeScript compiler, loaded the first time it is needed (half a second): the course's, else tslab's. */
let typescriptModule: typeof TS | undefined;
export function typescript(): typeof TS {
  if (!typescriptModule) {
    try {
      typescriptModule = require('typescript') as typeof TS;
    } catch {
      typescriptModule = require('@tslab/typescript-for-tslab') as typeof TS;
    }
  }
  return typescriptModule;
}

/** A path as the learner reads it: relative to the course root when inside it, else absolute. */
export function relativeToRoot(file: string, root = COURSE_ROOT): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** "syntax error at exercises/05-zero-shot.ts:69:35: Parameter declaration expected" (no final period). */
export function problemText(p: SourceProblem): string {
  return `${p.kind} at ${p.file}:${p.line}:${p.column}: ${p.message.replace(/\.$/, '')}`;
}

/** The command that restores an exercise's stub, keeping --dir when the folder is not the course's exercises/. */
export function resetCommand(exercise: string, file: string): string {
  const dir = path.dirname(file);
  const def = path.join(COURSE_ROOT, 'exercises');
  const dirArg = path.resolve(dir) === path.resolve(def) ? '' : ` --dir ${/\s/.test(dir) ? JSON.stringify(dir) : dir}`;
  return `npm run grade -- --reset ${exercise}${dirArg}`;
}

const compiled = new Map<string, string>();

/** One TypeScript source as CommonJS JavaScript (cached by file name and content). */
export function transpile(source: string, fileName: string): { code: string; diagnostics: readonly TS.Diagnostic[] } {
  const ts = typescript();
  const out = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    // sourceRoot: stack traces name the learner's real file, not the compiled copy's folder.
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
      sourceRoot: path.dirname(fileName),
    },
  });
  return { code: out.outputText, diagnostics: out.diagnostics ?? [] };
}

/** The sandbox's own child program (lib/learner/sandbox-child.ts) as JavaScript. */
export function sandboxChildProgram(): string {
  const file = path.join(__dirname, 'sandbox-child.ts');
  const source = fs.readFileSync(file, 'utf8');
  const key = `${file}\u0000${source}`;
  let code = compiled.get(key);
  if (code === undefined) {
    code = transpile(source, file).code;
    compiled.set(key, code);
  }
  return code;
}

/**
 * JavaScript for every `.ts` file of `dir` (name.ts → name.js) and the syntax errors of `<dir>/<exercise>.ts`.
 * The file names in the source maps are the real ones, so a stack trace says `exercises/05-zero-shot.ts:52`.
 */
export function transpileExerciseFolder(
  dir: string,
  exercise: string,
  root = COURSE_ROOT,
): { files: Record<string, string>; syntaxProblems: SourceProblem[] } {
  const ts = typescript();
  const files: Record<string, string> = {};
  let syntaxProblems: SourceProblem[] = [];
  const entry = path.join(dir, `${exercise}.ts`);
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.ts') || name.endsWith('.d.ts')) continue;
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const source = fs.readFileSync(file, 'utf8');
    const out = transpile(source, file);
    files[name.replace(/\.ts$/, '.js')] = out.code;
    if (file === entry) {
      const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
      syntaxProblems = out.diagnostics.map((d) => {
        const { line, character } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        return {
          kind: 'syntax error' as const,
          file: relativeToRoot(file, root),
          line: line + 1,
          column: character + 1,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        };
      });
    }
  }
  return { files, syntaxProblems };
}

/** An exercise folder compiled for a run (`prepareExercise`): can be made in one thread and started in another. */
export interface PreparedExercise {
  /** The learner's folder as JavaScript, name.js → code. */
  files: Record<string, string>;
  /** Earlier exercises the file imports that have a course version. */
  earlier: string[];
  /** The course's solutions as JavaScript (only when `earlier` is not empty). */
  course: Record<string, string>;
  /** lib/learner/sandbox-child.ts as JavaScript. */
  child?: string;
}

/** Compiles `<dir>/<exercise>.ts` and its folder; the ending instead when the file is missing or does not parse. */
export function prepareExercise(exercise: string, dir: string): PreparedExercise | Ending {
  const source = path.join(dir, `${exercise}.ts`);
  if (!fs.existsSync(source)) return { kind: 'missing', file: source };
  const { files, syntaxProblems } = transpileExerciseFolder(dir, exercise);
  if (syntaxProblems.length > 0) return { kind: 'syntax', problems: syntaxProblems };
  const imported = [...(files[`${exercise}.js`] ?? '').matchAll(/require\("\.\/(\d\d-[a-z0-9-]+)"\)/g)].map(
    (m) => m[1],
  );
  const earlier = [...new Set(imported)].filter(
    (name) =>
      name !== exercise && files[`${name}.js`] !== undefined && fs.existsSync(path.join(PATHS.solutions, `${name}.ts`)),
  );
  const course = earlier.length > 0 ? transpileExerciseFolder(PATHS.solutions, earlier[0]).files : {};
  return { files, earlier, course, child: sandboxChildProgram() };
}
