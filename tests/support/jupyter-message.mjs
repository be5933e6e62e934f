// The Jupyter messaging protocol's execute_request (v5.3), as the tests' WebSocket clients send it.

/** One `execute_request` on the shell channel, serialised. */
export function executeRequest(code, { msgId, session, username }) {
  return JSON.stringify({
    header: {
      msg_id: msgId,
      username,
      session,
      msg_type: 'execute_request',
      version: '5.3',
      date: new Date().toISOString(),
    },
    parent_header: {},
    metadata: {},
    channel: 'shell',
    content: {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    },
  });
}
