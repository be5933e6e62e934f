/**
 * The course's house rules: where things are (paths, model folders, settings), the one error base, the
 * TensorFlow.js backend and the environment report notebooks print.
 */
export * from './paths';
export * from './errors';
export * from './backend';
export * from './environment';
export * from './random';
