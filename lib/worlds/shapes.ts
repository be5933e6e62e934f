/**
 * The "shapes world": a seeded, deterministic generator of small synthetic images (drawn with sharp from SVG)
 * and their captions, on which the course trains its mini-CLIP.
 *
 * Vocabulary: 4 shapes × 6 colours × 2 sizes. Backgrounds are NEUTRAL (grey levels, grey gradients, luminance
 * grain) so that a colour word always refers to the shape. A few (colour, shape) pairs, `HELD_OUT_PAIRS`, are never
 * shown together in training (`heldOut: 'exclude'`): zero-shot on them tests composition, not memory.
 *
 * @example
 *   const samples = await generateShapes({ seed: 1, count: 2 });
 *   samples[0].caption;                 // 'a photo of a large green square' (depends on the seed)
 *   samples[0].png;                     // <Buffer 89 50 4e 47 …>, 48×48 RGB
 *   const batch = await generateShapePixels({ seed: 1, count: 512, heldOut: 'exclude' });
 *   batch.pixels.length;                // 512 * 48 * 48 * 3 (RGB bytes, image after image, row-major)
 *
 * Scenes are plain data (`Scene`: a background and a list of objects), so other notebooks can draw their own:
 * two objects in one image, counts, a skewed colour distribution (`pairs` with weights):
 *
 *   const scene: Scene = { size: 48, background: neutralBackground(0.8),
 *     objects: [makeObject('circle', 'red', 'small', 14, 14), makeObject('square', 'blue', 'small', 34, 32)] };
 *   captionScene(scene);                // 'a red circle and a blue square'
 *   await renderScenePng(scene);        // PNG bytes
 */
export * from './shapes/vocab';
export * from './shapes/draw';
export * from './shapes/captions';
export * from './shapes/dataset';
export { seededRandom } from '../course/random';
