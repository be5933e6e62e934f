/**
 * The emoji world's one error class. Its message names the input, the cause and the fix.
 *
 * @example
 *   throw new EmojiWorldError('set "paint" is not an emoji set the course knows.', { fix: 'Use one of noto, twemoji, …' });
 */
import { CourseError } from '../../course/errors';

export class EmojiWorldError extends CourseError {}
