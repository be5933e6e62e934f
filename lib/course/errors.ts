/**
 * The one base of every error the course throws. A course error has a `name` (its class), a `message` that
 * names the input and the cause, a `fix` (what to do about it, in one sentence; also the end of `message`
 * when given) and, when it wraps another error, the standard `cause`.
 *
 * @example
 *   class ShapesOptionError extends CourseError {}
 *   const e = new ShapesOptionError('size = 0 is not a positive integer.', { fix: 'Pass e.g. size: 48.' });
 *   e.name;    // 'ShapesOptionError'
 *   e.message; // 'size = 0 is not a positive integer. Fix: Pass e.g. size: 48.'
 *   e.fix;     // 'Pass e.g. size: 48.'
 */
export interface CourseErrorOptions {
  /** What to do about it, in one sentence; appended to the message as " Fix: …". */
  fix?: string;
  /** The error this one wraps (the standard `Error.cause`). */
  cause?: unknown;
}

export class CourseError extends Error {
  /** What to do about it ('' when the message itself already says). */
  readonly fix: string;

  constructor(message: string, options: CourseErrorOptions = {}) {
    super(
      options.fix ? `${message} Fix: ${options.fix}` : message,
      'cause' in options ? { cause: options.cause } : undefined,
    );
    this.name = new.target.name;
    this.fix = options.fix ?? '';
  }
}
