// Opens pages of a static site in headless Chromium (Debian's) over the DevTools protocol and reports, per page:
// every request made, failed loads, console errors and uncaught exceptions, every image (loaded or broken), the
// Plotly 3-D views (and how many Plotly drew) and the MathJax state.
// Usage: node --experimental-websocket tests/support/site-check.cjs CHROMIUM PROFILE_DIR URL...
// Prints {"pages": [...]} as its last line; exits 1 with a message on stderr when Chromium cannot be driven.
/* global document, location, window -- the report function runs in the page */
const { spawn } = require('child_process');

const [chromium, profile, ...urls] = process.argv.slice(2);
const browser = spawn(
  chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--user-data-dir=' + profile,
    '--remote-debugging-port=0',
    '--window-size=1280,1000',
    'about:blank',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
const fail = (m) => {
  console.error(m);
  browser.kill('SIGKILL');
  process.exit(1);
};
setTimeout(() => fail('timed out after 150 s'), 150000).unref();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let stderr = '';
let started = false;
browser.on('exit', (code) => {
  if (!started) fail('chromium exited (' + code + ') before DevTools started:\n' + stderr.slice(-2000));
});
browser.stderr.on('data', (d) => {
  stderr += d;
  const m = /DevTools listening on (ws:\/\/[^\s]+)/.exec(stderr);
  if (!m || started) return;
  started = true;
  run(new URL(m[1]).port).catch((err) => fail(String((err && err.stack) || err)));
});

async function run(port) {
  let target;
  for (let i = 0; i < 100 && !target; i++) {
    const list = await (await fetch('http://127.0.0.1:' + port + '/json/list')).json();
    target = list.find((t) => t.type === 'page');
    if (!target) await sleep(100);
  }
  if (!target) fail('no page target');
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = () => rej(new Error('websocket error'));
  });
  let id = 0;
  const pending = new Map();
  let page = null; // the record of the page being loaded
  let loaded = false;
  const urlOf = new Map();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
      return;
    }
    const p = msg.params || {};
    if (msg.method === 'Page.loadEventFired') loaded = true;
    if (!page) return;
    switch (msg.method) {
      case 'Network.requestWillBeSent':
        urlOf.set(p.requestId, p.request.url.slice(0, 300));
        page.requests.push(p.request.url.slice(0, 300)); // data: URLs (the charts) are long
        break;
      case 'Network.loadingFailed':
        page.failed.push({ url: urlOf.get(p.requestId), error: p.errorText });
        break;
      case 'Network.responseReceived':
        if (p.response.status >= 400) page.failed.push({ url: p.response.url, error: 'HTTP ' + p.response.status });
        break;
      case 'Runtime.consoleAPICalled':
        if (p.type === 'error' || p.type === 'assert')
          page.consoleErrors.push(p.args.map((a) => a.value ?? a.description).join(' '));
        break;
      case 'Runtime.exceptionThrown':
        page.consoleErrors.push(
          'uncaught: ' +
            ((p.exceptionDetails.exception && p.exceptionDetails.exception.description) || p.exceptionDetails.text),
        );
        break;
      case 'Log.entryAdded':
        if (p.entry.level === 'error')
          page.consoleErrors.push(p.entry.source + ': ' + p.entry.text + (p.entry.url ? ' (' + p.entry.url + ')' : ''));
        break;
    }
  };
  const send = (method, params = {}) =>
    new Promise((res) => {
      const n = ++id;
      pending.set(n, res);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  const evaluate = async (expression) => {
    const r = await send('Runtime.evaluate', { expression, returnByValue: true });
    return r.result && r.result.result ? r.result.result.value : undefined;
  };
  for (const domain of ['Page', 'Network', 'Runtime', 'Log']) await send(domain + '.enable');

  const pages = [];
  for (const url of urls) {
    page = { url, requests: [], failed: [], consoleErrors: [] };
    loaded = false;
    await send('Page.navigate', { url });
    for (let i = 0; i < 300 && !loaded; i++) await sleep(100);
    const ready = '(document.readyState === "complete" && Array.from(document.images).every((i) => i.complete))';
    for (let i = 0; i < 300 && !(await evaluate(ready)); i++) await sleep(100);
    // MathJax typesets and Plotly draws after the load event
    const settled =
      '(!window.MathJax || !window.MathJax.Hub || window.MathJax.Hub.queue.running === 0 && window.MathJax.Hub.queue.pending === 0)';
    for (let i = 0; i < 100 && !(await evaluate(settled)); i++) await sleep(100);
    await sleep(800);
    const report = await evaluate(
      '(' +
        (() =>
          JSON.stringify({
            title: document.title,
            location: location.href,
            images: Array.from(document.images).map((img) => ({
              src: img.src.slice(0, 60),
              complete: img.complete,
              naturalWidth: img.naturalWidth,
              naturalHeight: img.naturalHeight,
            })),
            plotlyViews: document.querySelectorAll('.vlm-plotly-3d').length,
            plotlyViewsDrawn: document.querySelectorAll('.vlm-plotly-3d.js-plotly-plot').length,
            mathJax: !!(window.MathJax && window.MathJax.Hub),
            links: Array.from(document.querySelectorAll('a[href]')).map((a) => a.href),
          })).toString() +
        ')()',
    );
    Object.assign(page, JSON.parse(report));
    pages.push(page);
  }
  page = null;
  console.log(JSON.stringify({ pages }));
  // Browser.close lets Chromium end its helper processes, so the caller can remove the profile folder at once
  browser.on('exit', () => process.exit(0));
  setTimeout(() => browser.kill('SIGKILL'), 10000).unref();
  await send('Browser.close').catch(() => browser.kill('SIGKILL'));
}
