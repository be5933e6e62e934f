// Plays a learner in the browser, through Jupyter's REST and WebSocket APIs only: opens a notebook, starts its
// kernel (a session, as the Notebook page does), runs every code cell in order, puts the outputs and execution
// counts into the notebook, saves it (PUT /api/contents), and shuts the session down.
// Usage: node --experimental-websocket tests/support/learner-session.mjs BASE_URL TOKEN NOTEBOOK_PATH
// Prints {"cells": N, "outputs": N, "errors": [...], "saved": "<last_modified>"} as the last line.
import { randomUUID } from 'node:crypto';
import { executeRequest } from './jupyter-message.mjs';

const [base, token, nbPath] = process.argv.slice(2);
const api = (p, init) => fetch(`${base}${p}${p.includes('?') ? '&' : '?'}token=${token}`, init);
setTimeout(() => {
  console.error('learner session: timed out after 240 s');
  process.exit(2);
}, 240000).unref();

const opened = await api(`/api/contents/${nbPath}?type=notebook&content=1`);
if (opened.status !== 200) throw new Error(`open ${nbPath}: HTTP ${opened.status}`);
const model = await opened.json();
const nb = model.content;

const sessionRes = await api('/api/sessions', {
  method: 'POST',
  body: JSON.stringify({
    path: nbPath,
    name: nbPath.split('/').pop(),
    type: 'notebook',
    kernel: { name: nb.metadata.kernelspec.name },
  }),
});
if (sessionRes.status !== 201) throw new Error(`start session: HTTP ${sessionRes.status} ${await sessionRes.text()}`);
const session = await sessionRes.json();

const ws = new WebSocket(
  `${base.replace(/^http/, 'ws')}/api/kernels/${session.kernel.id}/channels?session_id=${randomUUID()}&token=${token}`,
);
await new Promise((res, rej) => {
  ws.onopen = res;
  ws.onerror = () => rej(new Error('websocket error'));
});
const pending = new Map(); // msg_id → { outputs, count, replied, idle, resolve }
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  const p = pending.get(msg.parent_header?.msg_id);
  if (!p) return;
  const c = msg.content;
  switch (msg.msg_type) {
    case 'stream': {
      const last = p.outputs[p.outputs.length - 1];
      if (last && last.output_type === 'stream' && last.name === c.name) last.text += c.text;
      else p.outputs.push({ output_type: 'stream', name: c.name, text: c.text });
      break;
    }
    case 'display_data':
      p.outputs.push({ output_type: 'display_data', data: c.data, metadata: c.metadata ?? {} });
      break;
    case 'execute_result':
      p.outputs.push({
        output_type: 'execute_result',
        data: c.data,
        metadata: c.metadata ?? {},
        execution_count: c.execution_count ?? null,
      });
      break;
    case 'error':
      p.outputs.push({ output_type: 'error', ename: c.ename, evalue: c.evalue, traceback: c.traceback ?? [] });
      break;
    case 'execute_reply':
      p.status = c.status;
      p.count = c.execution_count ?? null;
      p.replied = true;
      break;
    case 'status':
      if (c.execution_state === 'idle') p.idle = true;
      break;
  }
  if (p.replied && p.idle) {
    pending.delete(msg.parent_header.msg_id);
    p.resolve();
  }
};

function execute(code) {
  const msgId = randomUUID();
  const p = { outputs: [], count: null, status: null, replied: false, idle: false };
  const done = new Promise((resolve) => (p.resolve = resolve));
  pending.set(msgId, p);
  ws.send(executeRequest(code, { msgId, session: session.id, username: 'learner' }));
  return done.then(() => p);
}

let cells = 0;
let outputs = 0;
const errors = [];
for (const cell of nb.cells) {
  if (cell.cell_type !== 'code') continue;
  const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
  const r = await execute(source);
  cells++;
  cell.outputs = r.outputs;
  cell.execution_count = r.count ?? cells; // the Notebook page shows In [n]
  outputs += r.outputs.length;
  if (r.status !== 'ok') errors.push({ cell: cells, outputs: r.outputs });
}
ws.close();

const saved = await api(`/api/contents/${nbPath}`, {
  method: 'PUT',
  body: JSON.stringify({ type: 'notebook', format: 'json', content: nb }),
});
if (saved.status !== 200) throw new Error(`save: HTTP ${saved.status} ${await saved.text()}`);
const savedModel = await saved.json();
await api(`/api/sessions/${session.id}`, { method: 'DELETE' });
console.log(JSON.stringify({ cells, outputs, errors, saved: savedModel.last_modified }));
process.exit(0);
