/**
 * The one value printer and the one comparator for learner code's results, shared by the grader's messages
 * (tests/exercises/support/plain.ts) and the notebooks' one-line reports (lib/learner/challenge.ts).
 *
 * @example
 *   showValue([0.123456, 2, 'cat']);                                  // '[0.1235, 2, "cat"]'
 *   showValue(0.97463184619, { digits: 7 });                          // '0.9746318'
 *   approximatelyEqual([0.5, { p: 0.25 }], [0.50000001, { p: 0.25 }]);   // true
 */

/** Options of `showValue`. */
export interface ShowOptions {
  /** Significant digits of a non-integer number (default 4). */
  digits?: number;
  /** The longest text returned; longer is cut with "…" (default 160). */
  maxLength?: number;
  /** How `undefined` is shown (default 'undefined'). */
  undefinedText?: string;
}

/**
 * A short, readable rendering of a value for one printed line: numbers to `digits` significant digits, typed
 * arrays as arrays, lists after 8 entries and nesting after 3 levels cut.
 */
export function showValue(value: unknown, options: ShowOptions = {}): string {
  const digits = options.digits ?? 4;
  const maxLength = options.maxLength ?? 160;
  const render = (v: unknown, depth: number): string => {
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(digits)));
    if (typeof v === 'string') return JSON.stringify(v);
    if (v === undefined) return options.undefinedText ?? 'undefined';
    if (typeof v === 'bigint') return `${v}n`;
    if (v === null || typeof v !== 'object') return String(v);
    if (depth > 3) return '…';
    if (ArrayBuffer.isView(v)) v = Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) {
      const shown = v.slice(0, 8).map((x) => render(x, depth + 1));
      return `[${shown.join(', ')}${v.length > 8 ? `, … (${v.length} entries)` : ''}]`;
    }
    if (v instanceof Map)
      return `Map { ${[...v.entries()]
        .slice(0, 8)
        .map(([k, x]) => `${render(k, depth + 1)} => ${render(x, depth + 1)}`)
        .join(', ')} }`;
    return `{ ${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${render(x, depth + 1)}`)
      .join(', ')} }`;
  };
  const text = render(value, 0);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/**
 * True when `a` and `b` hold the same numbers (within `tolerance`, absolute or relative), strings and booleans, in
 * the same nesting of arrays, typed arrays and plain objects.
 *
 * @example
 *   approximatelyEqual(new Float32Array([1, 2]), [1, 2.1]);   // false
 */
export function approximatelyEqual(a: unknown, b: unknown, tolerance = 1e-4): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    const diff = Math.abs(a - b);
    return diff <= tolerance || diff <= tolerance * Math.max(Math.abs(a), Math.abs(b));
  }
  const listA = ArrayBuffer.isView(a) ? Array.from(a as unknown as ArrayLike<number>) : a;
  const listB = ArrayBuffer.isView(b) ? Array.from(b as unknown as ArrayLike<number>) : b;
  if (Array.isArray(listA) || Array.isArray(listB)) {
    return (
      Array.isArray(listA) &&
      Array.isArray(listB) &&
      listA.length === listB.length &&
      listA.every((x, i) => approximatelyEqual(x, listB[i], tolerance))
    );
  }
  if (listA !== null && listB !== null && typeof listA === 'object' && typeof listB === 'object') {
    const keysA = Object.keys(listA).sort();
    const keysB = Object.keys(listB).sort();
    return (
      keysA.length === keysB.length &&
      keysA.every(
        (k, i) =>
          k === keysB[i] &&
          approximatelyEqual((listA as Record<string, unknown>)[k], (listB as Record<string, unknown>)[k], tolerance),
      )
    );
  }
  return Object.is(listA, listB);
}
