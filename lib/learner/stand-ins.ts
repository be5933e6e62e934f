/**
 * Earlier exercises' functions the course's version stood in for during the current exercise's checks under
 * `npm run grade` (the learner's process reports them; lib/learner/harness.ts records them here, emptied before
 * each exercise). tests/exercises/support/earlier.ts's `expectOwnEarlierExercises` reads it, as it reads its own
 * record under plain jest.
 *
 * @example
 *   courseStandIns;   // Set { 'cosineSimilarity (exercise 01)' } while exercise 01 is unfinished
 */
export const courseStandIns = new Set<string>();
