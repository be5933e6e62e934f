// jest runs each test file in its own vm context, whose typed-array constructors differ from the host's.
// Tensors made by native code (onnxruntime-node, sharp) are host-realm objects and would then fail
// `instanceof Float32Array`. This environment hands the test context the host's constructors.
const { TestEnvironment } = require('jest-environment-node');

const HOST_GLOBALS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Buffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class HostRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of HOST_GLOBALS) this.global[name] = globalThis[name];
  }
}

module.exports = HostRealmEnvironment;
