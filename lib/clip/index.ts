/** Pretrained CLIP through transformers.js: loading (hub, cache, local folder, the course's offline fallback), zero-shot classification, embeddings. */
export * from './loader';
