/**
 * The old import path of lib/clip (`./lib/clip/loader`), kept so that existing imports work: everything
 * lib/clip offers is re-exported from its public face, lib/clip/index.ts. New code imports that.
 *
 * @example
 *   import { loadCourseClip } from './lib/clip/loader';   // the same function as from './lib/clip/index'
 */
export * from './index';
