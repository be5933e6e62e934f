/** Text-steered generation (chapter 12.6): optimising pixels toward a prompt with a CLIP, judged by another. */
export * from './text-to-image';
