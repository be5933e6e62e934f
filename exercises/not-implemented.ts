/**
 * Thrown by every exercise stub until you replace the `throw` with your code.
 * The grader reports an exercise whose tests all end in this error as "not started".
 */
export class NotImplementedError extends Error {
  override name = 'NotImplementedError';

  constructor(
    readonly exercise: string,
    readonly functionName: string,
  ) {
    super(`${functionName} (exercise ${exercise}) is not implemented yet: replace the throw in exercises/${exercise}.ts with your code.`);
  }
}
