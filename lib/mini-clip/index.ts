/** The course's small CLIP, written with TensorFlow.js: model, tokenizer, training, ONNX export and reduced-precision copies. */
export * from './model';
export * from './tokenizer';
export * from './train';
export * from './export';
export * from './quantize';
export * from './onnx';
export * from './variables';
