/**
 * Local network stand-ins for lib/clip's tests, so no test reaches the internet:
 * - `hubMirror(modelId, dir)`: serves a model folder the way the Hugging Face hub does
 *   (GET/HEAD `/<owner>/<name>/resolve/main/<file>`, 404 for anything else) and records every request;
 * - `silentHost()`: accepts connections and never answers (a firewall that drops packets, as fetch sees it);
 * - `closedPort()`: a URL whose port nothing listens on (connections refused at once).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

export async function hubMirror(modelId: string, dir: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const prefix = `/${modelId}/resolve/main/`;
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    requests.push(`${req.method} ${url}`);
    const file = url.startsWith(prefix) ? path.join(dir, url.slice(prefix.length)) : '';
    if (!file || !file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = fs.readFileSync(file);
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const url = await listen(server);
  return { url, requests, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

export async function silentHost(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  const url = await listen(server);
  return { url, close: () => new Promise((r) => { sockets.forEach((s) => s.destroy()); server.close(() => r()); }) };
}

export async function closedPort(): Promise<string> {
  const server = net.createServer();
  const url = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return url;
}
