/** Embeddings and what is computed on them: cosine similarity, softmax and top-k, the contrastive (CLIP) loss, 2-D/3-D projections. */
export * from './similarity';
export * from './contrastive';
export * from './projection';
