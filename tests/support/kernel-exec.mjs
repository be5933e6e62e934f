// Runs one cell on a Jupyter kernel over the server's WebSocket API and prints the result as JSON.
// Usage: node --experimental-websocket tests/support/kernel-exec.mjs BASE_URL TOKEN KERNEL_ID CODE
// Prints {"status": "ok"|"error", "stdout": "...", "stderr": "..."}; exits 2 on a 60 s timeout.
import { randomUUID } from 'node:crypto';
import { executeRequest } from './jupyter-message.mjs';

const [base, token, kernelId, code] = process.argv.slice(2);
const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/kernels/${kernelId}/channels?token=${token}`);
const msgId = randomUUID();
const out = { status: null, stdout: '', stderr: '' };
let replied = false;
let idle = false;
const timer = setTimeout(() => {
  console.log(JSON.stringify({ ...out, status: 'timeout' }));
  process.exit(2);
}, 60000);
const finish = () => {
  if (!replied || !idle) return;
  clearTimeout(timer);
  console.log(JSON.stringify(out));
  ws.close();
  process.exit(0);
};
ws.onopen = () => {
  ws.send(executeRequest(code, { msgId, session: randomUUID(), username: 'test' }));
};
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.parent_header?.msg_id !== msgId) return;
  if (msg.msg_type === 'stream') out[msg.content.name] += msg.content.text;
  if (msg.msg_type === 'execute_reply') {
    out.status = msg.content.status;
    replied = true;
  }
  if (msg.msg_type === 'status' && msg.content.execution_state === 'idle') idle = true;
  finish();
};
ws.onerror = (e) => {
  console.log(JSON.stringify({ ...out, status: 'websocket-error', stderr: String(e.message ?? e) }));
  process.exit(3);
};
