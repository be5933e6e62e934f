/**
 * The 3-D camera maths of the static 3-D view: where a 3-D point lands on the screen for a camera turned
 * around the vertical axis and raised above the horizontal plane (orthographic, no perspective).
 */

/**
 * Screen coordinates of a 3-D point for a camera turned by azimuth and raised by elevation (orthographic):
 * u to the right, v up, depth towards the viewer.
 *
 * ```ts
 * cameraProject([1, 2, 3], 0, 0);   // { u: 1, v: 3, depth: 2 }  (looking along +y: x right, z up)
 * ```
 */
export function cameraProject(
  p: readonly [number, number, number],
  azimuthDeg: number,
  elevationDeg: number,
): { u: number; v: number; depth: number } {
  const a = (azimuthDeg * Math.PI) / 180;
  const e = (elevationDeg * Math.PI) / 180;
  const [x, y, z] = p;
  // turn around the z (up) axis, then tilt towards the viewer
  const x1 = x * Math.cos(a) - y * Math.sin(a);
  const y1 = x * Math.sin(a) + y * Math.cos(a);
  return { u: x1, v: z * Math.cos(e) - y1 * Math.sin(e), depth: y1 * Math.cos(e) + z * Math.sin(e) };
}
