/** Everything that runs, checks and grades a learner's code: the grader (grade, hint), calling exercise functions from notebooks (tryExercise), type problems. */
export * from './challenge';
export * from './try-exercise';
export * from './grade';
export * from './type-problems';
