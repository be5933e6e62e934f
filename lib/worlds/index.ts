/** Synthetic image-text worlds the course trains on (the shapes world; the emoji world). */
export * from './shapes';
