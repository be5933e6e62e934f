/** Chapter 12.5's pitfalls, measured: compute cost, modality mismatch, probes of semantic nuance, skewed data. */
export * from './compute';
export * from './modality';
export * from './nuance';
export * from './probes';
export * from './skew';
