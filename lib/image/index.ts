/** Images in, CLIP pixel values out: reading a source, decoding, the Pillow-exact resampler, preprocessing. (compare.ts, the parity measure against transformers.js's processor, is imported by its path: it loads transformers.js.) */
export * from './preprocess';
export * from './source';
export * from './decode';
export * from './errors';
export * from './resample';
export * from './options';
