/**
 * The emoji-CLIP's evaluation list: 50 everyday concepts drawn by both unseen styles (openmoji, fluent-emoji-flat)
 * and by at least four training styles. The metric is zero-shot top-1 and top-5 among these 50 labels (chance 2 %
 * and 10 %), per style, each label written with the model's default template ("an emoji of a {}").
 *
 * @example
 *   EVAL_CONCEPTS.length;       // 50
 *   EVAL_CONCEPTS.slice(0, 3);  // ['catface', 'dogface', 'redapple']
 */
export const EVAL_CONCEPTS: readonly string[] = [
  'catface',
  'dogface',
  'redapple',
  'banana',
  'grapes',
  'watermelon',
  'strawberry',
  'lemon',
  'pineapple',
  'cherries',
  'carrot',
  'rocket',
  'hotbeverage',
  'television',
  'automobile',
  'bicycle',
  'house',
  'deciduoustree',
  'airplane',
  'bus',
  'umbrella',
  'guitar',
  'soccerball',
  'pizza',
  'hamburger',
  'birthdaycake',
  'mobilephone',
  'alarmclock',
  'lightbulb',
  'key',
  'envelope',
  'camera',
  'fish',
  'bird',
  'horseface',
  'cowface',
  'pigface',
  'monkeyface',
  'elephant',
  'penguin',
  'frog',
  'snake',
  'turtle',
  'butterfly',
  'snowman',
  'fire',
  'sunflower',
  'cactus',
  'trophy',
  'tractor',
];

/** The styles never used in training, on which the eval list is measured. */
export const UNSEEN_EVAL_STYLES = ['openmoji', 'fluent-emoji-flat'] as const;
