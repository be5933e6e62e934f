// Loaded with `node -r` by scripts/tslab-kernel before tslab starts. One fix, at its source:
//
// tslab reads its ZeroMQ sockets with `for await (const msg of socket)` and, on a shutdown request, closes
// them. zeromq 6's async iterator ends the loop when a pending receive fails with EAGAIN on a closed
// socket, but the receive fails with EBADF ("Socket is closed") instead, so the loop throws; the error
// becomes an unhandled rejection, which the TensorFlow.js WebAssembly backend (emscripten) turns into an
// uncaught exception: every kernel shutdown printed a Node crash trace (`Error: Socket is closed …
// tslab/dist/jupyter.js … EBADF`) and exited with an error. Here the iterator ends the loop for both codes
// when the socket is closed, as zeromq intends, and a send on a closed socket (the heartbeat's echo) is dropped;
// any other error still throws.
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

  // The same race on the way out: tslab's heartbeat loop echoes a message it just received (`this.hb.send(msgs)`)
  // while shutdown closes the socket, and the send fails with EBADF. A send on a socket that is already closed
  // has nowhere to go; it is dropped. Any other error still throws.
  const originalSend = proto.send;
  if (typeof originalSend === 'function' && !originalSend.__coursePatched) {
    const closedError = (socket, err) => socket.closed && err && (err.code === 'EBADF' || err.code === 'EAGAIN');
    const send = function (...args) {
      if (this.closed) return Promise.resolve();
      try {
        const result = originalSend.apply(this, args);
        return result && typeof result.catch === 'function'
          ? result.catch((err) => {
              if (!closedError(this, err)) throw err;
            })
          : result;
      } catch (err) {
        if (closedError(this, err)) return Promise.resolve();
        throw err;
      }
    };
    send.__coursePatched = true;
    // Socket.prototype.send is read-only: define it on the socket classes tslab uses (an own property shadows it).
    for (const name of ['Reply', 'Router', 'Publisher', 'Dealer']) {
      const cls = zmq[name];
      if (cls && cls.prototype)
        Object.defineProperty(cls.prototype, 'send', { value: send, writable: true, configurable: true });
    }
  }
}

patchZeromq();
