// Loaded with `node -r` by scripts/tslab-kernel before tslab starts. One fix, at its source:
//
// tslab reads its ZeroMQ sockets with `for await (const msg of socket)` and, on a shutdown request, closes
// them. zeromq 6's async iterator ends the loop when a pending receive fails with EAGAIN on a closed
// socket, but the receive fails with EBADF ("Socket is closed") instead, so the loop throws; the error
// becomes an unhandled rejection, which the TensorFlow.js WebAssembly backend (emscripten) turns into an
// uncaught exception: every kernel shutdown printed a Node crash trace (`Error: Socket is closed …
// tslab/dist/jupyter.js … EBADF`) and exited with an error. Here the iterator ends the loop for both codes
// when the socket is closed, as zeromq intends; any other error still throws.
'use strict';
const path = require('path');

function patchZeromq() {
  let zmq;
  try {
    // the zeromq that tslab itself loads
    const tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [process.cwd(), __dirname] }));
    zmq = require(require.resolve('zeromq', { paths: [tslabDir] }));
  } catch {
    return; // tslab or zeromq missing: tslab reports that itself
  }
  const proto = zmq.Socket && zmq.Socket.prototype;
  const original = proto && proto[Symbol.asyncIterator];
  if (typeof original !== 'function' || original.__coursePatched) return;
  const patched = function () {
    const inner = original.call(this);
    return {
      next: async () => {
        try {
          return await inner.next();
        } catch (err) {
          if (this.closed && err && (err.code === 'EBADF' || err.code === 'EAGAIN'))
            return { done: true, value: undefined };
          throw err;
        }
      },
    };
  };
  patched.__coursePatched = true;
  proto[Symbol.asyncIterator] = patched;
}

patchZeromq();
