/** Charts: builders per chart family, the renderer to SVG/PNG, notebook display, the interactive 3-D view. */
export * from './charts';
export * from './display';
export * from './plotly3d';
export * from './text-metrics';
