// Exercise 03 · CLIP preprocessing arithmetic on raw pixels.
// `npm test` runs these checks on solutions/ with jest; `npm run grade` runs them on exercises/ (lib/learner's runner
// swaps the solution module imported below for the learner's, run in its own sandboxed process). Expected values: sizes worked out by hand with Python's
// rules (int(224 * long / short), (size - crop) // 2), pixel values with Python's math
// ((v / 255 - mean) / std), never by calling the code under test.
import { expectCloseArray, expectEqual, expectThat, expectThrows, run } from './support/plain';
import {
  centerCropBox,
  ImageSizeError,
  PixelBufferError,
  rescaleAndNormalize,
  shortestEdgeResize,
} from '../../solutions/03-preprocess-arithmetic';

test('shortestEdgeResize: the shortest edge becomes 224 and the long edge is truncated like the reference', () => {
  // chelsea.png is 451×300: 224 × 451 / 300 = 336.75 → int() gives 336 (rounding would give 337)
  expectEqual('shortestEdgeResize(451, 300)', () => shortestEdgeResize(451, 300), { width: 336, height: 224 }, '224 × 451 / 300 = 336.75 and the reference truncates it to 336');
  // rocket.jpg is 640×427: 224 × 640 / 427 = 335.74 → 335
  expectEqual('shortestEdgeResize(640, 427)', () => shortestEdgeResize(640, 427), { width: 335, height: 224 }, '224 × 640 / 427 = 335.74, truncated to 335');
  expectEqual('shortestEdgeResize(600, 400)', () => shortestEdgeResize(600, 400), { width: 336, height: 224 }, '224 × 600 / 400 = 336 exactly');
});

test('shortestEdgeResize: portrait images stay portrait, squares stay square', () => {
  expectEqual('shortestEdgeResize(300, 451)', () => shortestEdgeResize(300, 451), { width: 224, height: 336 }, 'the width is the short edge here, so the width becomes 224');
  expectEqual('shortestEdgeResize(512, 512)', () => shortestEdgeResize(512, 512), { width: 224, height: 224 }, 'a square image becomes 224×224');
});

test('shortestEdgeResize: small images are enlarged, and another target size works', () => {
  expectEqual('shortestEdgeResize(100, 50)', () => shortestEdgeResize(100, 50), { width: 448, height: 224 }, 'the 50-pixel edge grows to 224 and the 100-pixel edge to 448');
  expectEqual('shortestEdgeResize(451, 300, 100)', () => shortestEdgeResize(451, 300, 100), { width: 150, height: 100 }, '100 × 451 / 300 = 150.33, truncated to 150');
});

test('shortestEdgeResize: sizes that are not whole numbers above 0 are rejected', () => {
  expectThrows('shortestEdgeResize(0, 300)', () => shortestEdgeResize(0, 300), ImageSizeError, 'an image cannot be 0 pixels wide');
  expectThrows('shortestEdgeResize(451, -3)', () => shortestEdgeResize(451, -3), ImageSizeError, 'a height cannot be negative');
  expectThrows('shortestEdgeResize(45.5, 300)', () => shortestEdgeResize(45.5, 300), ImageSizeError, 'pixels come in whole numbers');
  expectThrows('shortestEdgeResize(451, 300, 0)', () => shortestEdgeResize(451, 300, 0), ImageSizeError, 'the target edge must be at least 1 pixel');
});

test('centerCropBox: the central 224×224 box, halves rounded down like the reference', () => {
  expectEqual('centerCropBox(336, 224)', () => centerCropBox(336, 224), { left: 56, top: 0, width: 224, height: 224 }, '(336 − 224) / 2 = 56 pixels are cut on each side');
  // (335 − 224) // 2 = 111 // 2 = 55 in Python; Math.round(55.5) would give 56
  expectEqual('centerCropBox(335, 224)', () => centerCropBox(335, 224), { left: 55, top: 0, width: 224, height: 224 }, '(335 − 224) / 2 = 55.5 and the reference rounds down to 55');
  expectEqual('centerCropBox(224, 337)', () => centerCropBox(224, 337), { left: 0, top: 56, width: 224, height: 224 }, '(337 − 224) / 2 = 56.5, rounded down to 56');
  expectEqual('centerCropBox(224, 224)', () => centerCropBox(224, 224), { left: 0, top: 0, width: 224, height: 224 }, 'a 224×224 image is already the crop');
});

test('centerCropBox: other crop sizes', () => {
  expectEqual('centerCropBox(10, 7, 4, 3)', () => centerCropBox(10, 7, 4, 3), { left: 3, top: 2, width: 4, height: 3 }, '(10 − 4) / 2 = 3 and (7 − 3) / 2 = 2');
});

test('centerCropBox: a crop larger than the image, or a bad size, is rejected', () => {
  expectThrows('centerCropBox(200, 300)', () => centerCropBox(200, 300), ImageSizeError, 'a 224-pixel-wide crop does not fit in a 200-pixel-wide image (resize first)');
  expectThrows('centerCropBox(300, 223)', () => centerCropBox(300, 223), ImageSizeError, 'a 224-pixel-high crop does not fit in a 223-pixel-high image');
  expectThrows('centerCropBox(300, 300, 0, 10)', () => centerCropBox(300, 300, 0, 10), ImageSizeError, 'a crop must be at least 1 pixel wide');
  expectThrows('centerCropBox(300, 300, 10, 2.5)', () => centerCropBox(300, 300, 10, 2.5), ImageSizeError, 'the contract checks every size argument, the crop height too: it must be a whole number');
  expectThrows('centerCropBox(300.5, 300)', () => centerCropBox(300.5, 300), ImageSizeError, 'the image width must be a whole number of pixels');
});

test('rescaleAndNormalize: one pixel, with CLIP\'s mean and std', () => {
  // (255/255 − 0.48145466) / 0.26862954 = 1.930336, (0 − 0.4578275) / 0.26130258 = −1.752097,
  // (128/255 − 0.40821073) / 0.27577711 = 0.339949 (Python)
  expectCloseArray('rescaleAndNormalize([255, 0, 128], 1, 1)', () => rescaleAndNormalize([255, 0, 128], 1, 1), [1.930336254158794, -1.7520971281645974, 0.33994864299551714], 'each channel is (value × 1/255 − mean[c]) / std[c]', 1e-5);
});

test('rescaleAndNormalize: the output is channel by channel (C×H×W), not pixel by pixel', () => {
  // two pixels side by side: (255, 0, 128) and (0, 255, 64) → [R0, R1, G0, G1, B0, B1]
  expectCloseArray(
    'rescaleAndNormalize([255, 0, 128, 0, 255, 64], 2, 1)',
    () => rescaleAndNormalize([255, 0, 128, 0, 255, 64], 2, 1),
    [1.930336254158794, -1.79226253374815, -1.7520971281645974, 2.0748838377332515, 0.33994864299551714, -0.5701355628940245],
    'the two red values come first, then the two greens, then the two blues',
    1e-5,
  );
});

test('rescaleAndNormalize: returns a Float32Array of 3×H×W, with rows in order', () => {
  // a 1-wide, 2-high image with mean 0.5 and std 0.5: 0 → −1, 255 → 1; pixel (0,0) is black, (0,1) is white
  const out = run('rescaleAndNormalize([0, 0, 0, 255, 255, 255], 1, 2, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])', () =>
    rescaleAndNormalize([0, 0, 0, 255, 255, 255], 1, 2, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]),
  );
  expectThat(Object.prototype.toString.call(out) === '[object Float32Array]', 'rescaleAndNormalize should return a Float32Array (what tensors are made from), not a plain array.');
  expectCloseArray('rescaleAndNormalize(black above white, mean 0.5, std 0.5)', () => Array.from(out), [-1, 1, -1, 1, -1, 1], 'with mean 0.5 and std 0.5, value 0 maps to −1 and 255 to 1, and each channel lists row 0 before row 1', 1e-6);
  const big = run('rescaleAndNormalize(a 4×3 gray image)', () => rescaleAndNormalize(new Uint8Array(4 * 3 * 3).fill(51), 4, 3, [0, 0, 0], [1, 1, 1]));
  expectThat(big.length === 36 && Array.from(big).every((v) => Math.abs(v - 0.2) < 1e-6), `a 4×3 image filled with 51 and mean 0, std 1 should give 36 values of 51/255 = 0.2; got ${big.length} values starting ${Array.from(big).slice(0, 3).join(', ')}.`);
});

test('rescaleAndNormalize: a buffer of the wrong length, or bad values, mean or std, is rejected', () => {
  expectThrows('rescaleAndNormalize([255, 0], 1, 1)', () => rescaleAndNormalize([255, 0], 1, 1), PixelBufferError, 'a 1×1 RGB image has 3 values, not 2');
  expectThrows('rescaleAndNormalize(3 values, 2, 1)', () => rescaleAndNormalize([1, 2, 3], 2, 1), PixelBufferError, 'a 2×1 RGB image has 6 values, not 3');
  expectThrows('rescaleAndNormalize([300, 0, 0], 1, 1)', () => rescaleAndNormalize([300, 0, 0], 1, 1), PixelBufferError, '8-bit pixel values lie in 0–255');
  expectThrows('rescaleAndNormalize([1, 2, 3], 1, 1, [0.5, 0.5], [0.5, 0.5])', () => rescaleAndNormalize([1, 2, 3], 1, 1, [0.5, 0.5], [0.5, 0.5]), PixelBufferError, 'there are 3 channels, so mean and std need 3 entries');
  expectThrows('rescaleAndNormalize([1, 2, 3], 1, 1, [0.5, 0.5, 0.5], [0.5, 0, 0.5])', () => rescaleAndNormalize([1, 2, 3], 1, 1, [0.5, 0.5, 0.5], [0.5, 0, 0.5]), PixelBufferError, 'dividing by a std of 0 gives Infinity');
  expectThrows('rescaleAndNormalize([1, 2, 3], 1, 1, CLIP mean, CLIP std, 0)', () => rescaleAndNormalize([1, 2, 3], 1, 1, undefined, undefined, 0), PixelBufferError, 'a rescaleFactor of 0 would erase the image; the contract asks for a finite number > 0');
  expectThrows('rescaleAndNormalize([1, NaN, 3], 1, 1)', () => rescaleAndNormalize([1, NaN, 3], 1, 1), PixelBufferError, 'NaN is not a pixel value in [0, 255]');
  expectThrows('rescaleAndNormalize([1, 2, 3], 0, 1)', () => rescaleAndNormalize([1, 2, 3], 0, 1), ImageSizeError, 'a width of 0 is a bad SIZE, which the contract reports as ImageSizeError');
});

test('rescaleAndNormalize: uses the given rescaleFactor (one formula: v × rescaleFactor)', () => {
  // rescaleFactor 1/200, mean 0, std 1: 200 → 1, 51 → 0.255, 0 → 0
  expectCloseArray(
    'rescaleAndNormalize([200, 51, 0], 1, 1, [0, 0, 0], [1, 1, 1], 1 / 200)',
    () => rescaleAndNormalize([200, 51, 0], 1, 1, [0, 0, 0], [1, 1, 1], 1 / 200),
    [1, 0.255, 0],
    'each value is multiplied by the given rescaleFactor (here 1/200), not divided by 255',
    1e-6,
  );
});
