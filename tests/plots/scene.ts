/**
 * Test helper: where everything in a chart landed. The chart is compiled and run by Vega (as `chartToSvg` does,
 * same text widths) and its scenegraph flattened into items with absolute pixel bounds, so tests can check
 * geometry (labels off each other, the points and the plot edges) and colours (legend entries against marks).
 */
import type { View } from 'vega';
import { chartView } from '../../lib/plots/render';
import type { Chart } from '../../lib/plots/index';

export interface SceneItem {
  marktype: string;
  /** The Vega mark's role: 'mark' for data marks, 'legend-symbol', 'legend-label', 'axis-title', … */
  role: string;
  /** The Vega mark's name (Vega-Lite names data marks 'layer_N_marks' or 'marks'). */
  name: string;
  datum: Record<string, unknown>;
  fill?: string;
  stroke?: string;
  text?: string;
  opacity?: number;
  /** The item's anchor in SVG pixels (a symbol's centre, a line vertex, a text's anchor). */
  x: number;
  y: number;
  /** Bounds in SVG pixels (origin: the chart's top-left corner, y down). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Scene {
  items: SceneItem[];
  /** The plot area (the data rectangle) in SVG pixels. */
  plot: { x1: number; y1: number; x2: number; y2: number };
}

interface VegaNode {
  marktype?: string;
  role?: string;
  name?: string;
  items?: VegaNode[];
  x?: number;
  y?: number;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  datum?: Record<string, unknown>;
  fill?: string;
  stroke?: string;
  text?: string;
  opacity?: number;
  mark?: { marktype: string; role: string; name: string };
}

export async function sceneOf(chart: Chart): Promise<Scene> {
  return sceneOfView(chartView(chart));
}

/** The same for a Vega view built some other way (compiled from a hand-patched Vega spec, say); finalizes it. */
export async function sceneOfView(view: View): Promise<Scene> {
  try {
    await view.runAsync();
    const items: SceneItem[] = [];
    // Vega draws everything translated by the view's origin (padding, room for axes and titles): the plot's top-left
    const [x0, y0] = view.origin();
    const plot = { x1: x0, y1: y0, x2: x0 + view.width(), y2: y0 + view.height() };
    const walk = (mark: VegaNode, ox: number, oy: number) => {
      for (const item of mark.items ?? []) {
        const b = item.bounds!;
        if (mark.marktype === 'group') {
          for (const child of item.items ?? []) walk(child, ox + (item.x ?? 0), oy + (item.y ?? 0));
        } else {
          items.push({
            marktype: mark.marktype!,
            role: mark.role ?? '',
            name: mark.name ?? '',
            datum: item.datum ?? {},
            fill: item.fill,
            stroke: item.stroke,
            text: item.text === undefined ? undefined : String(item.text),
            opacity: item.opacity,
            x: ox + (item.x ?? 0),
            y: oy + (item.y ?? 0),
            x1: ox + b.x1,
            y1: oy + b.y1,
            x2: ox + b.x2,
            y2: oy + b.y2,
          });
        }
      }
    };
    walk((view.scenegraph() as unknown as { root: VegaNode }).root, x0, y0);
    return { items, plot };
  } finally {
    view.finalize();
  }
}

/** The area two items' bounds share, in square pixels. */
export function overlapArea(a: SceneItem, b: SceneItem): number {
  return (
    Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) * Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1))
  );
}
