/**
 * Local network stand-ins for lib/clip's tests, so no test reaches the internet:
 * - `hubMirror(modelId, dir, options)`: serves a model folder the way the Hugging Face hub does
 *   (GET/HEAD `/<owner>/<name>/resolve/main/<file>`, 404 for anything else) and records every request; with
 *   `ranges` it answers Range requests with 206, with `sha256` it sends each ONNX file's sha256 as its ETag (as
 *   the hub does for model files), and `misbehave` scripts a bad answer for chosen requests (see `Misbehaviour`);
 * - `captivePortal()`: answers every URL, HEAD or GET, with a 200 HTML login page;
 * - `silentHost()`: accepts connections and never answers (a firewall that drops packets, as fetch sees it);
 * - `closedPort()`: a URL whose port nothing listens on (connections refused at once).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/**
 * What a scripted hub does instead of answering properly:
 * - `stall-before-answer`: accepts the request and sends nothing;
 * - `stall-after-headers`: sends the headers (200, Content-Length) and no body;
 * - `stall-after` n bytes: sends the headers and n bytes, then nothing;
 * - `reset-after` n bytes: sends the headers and n bytes, then drops the connection;
 * - `announce` n: serves the file but says (x-linked-size, as the hub) it has n bytes;
 * - `bad-sha256`: serves the file with the ETag of other contents.
 */
export type Misbehaviour =
  | { kind: 'stall-before-answer' }
  | { kind: 'stall-after-headers' }
  | { kind: 'stall-after'; bytes: number }
  | { kind: 'reset-after'; bytes: number }
  | { kind: 'announce'; bytes: number }
  | { kind: 'bad-sha256' };

export interface HubRequest {
  method: string;
  file: string;
  range?: string;
}

export interface HubMirror {
  url: string;
  /** Every request as 'GET /<id>/resolve/main/<file>' (the form older tests compare). */
  requests: string[];
  /** Every request with its Range header. */
  log: HubRequest[];
  close: () => Promise<void>;
}

export async function hubMirror(
  modelId: string,
  dir: string,
  options: {
    ranges?: boolean;
    sha256?: boolean;
    /** Like the real hub for LFS files: 302 to `/cdn/<file>`, with x-linked-etag (sha256) and x-linked-size on the redirect. */
    redirectOnnx?: boolean;
    misbehave?: (file: string, request: HubRequest, index: number) => Misbehaviour | undefined;
  } = {},
): Promise<HubMirror> {
  const requests: string[] = [];
  const log: HubRequest[] = [];
  const sockets = new Set<net.Socket>();
  const prefix = `/${modelId}/resolve/main/`;
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '').split('?')[0]);
    requests.push(`${req.method} ${url}`);
    const cdn = url.startsWith('/cdn/');
    const file = url.startsWith(prefix) ? url.slice(prefix.length) : cdn ? url.slice('/cdn/'.length) : '';
    const request: HubRequest = {
      method: req.method ?? '',
      file,
      ...(req.headers.range ? { range: String(req.headers.range) } : {}),
    };
    log.push(request);
    const full = file ? path.join(dir, file) : '';
    if (!full || !full.startsWith(dir) || !fs.existsSync(full) || !fs.statSync(full).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    const body = fs.readFileSync(full);
    if (options.redirectOnnx && !cdn && file.endsWith('.onnx')) {
      const bad = options.misbehave?.(file, request, 0)?.kind === 'bad-sha256';
      res.writeHead(302, {
        location: `/cdn/${file}`,
        'x-linked-etag': `"${createHash('sha256')
          .update(bad ? 'other' : body)
          .digest('hex')}"`,
        'x-linked-size': body.length,
      });
      res.end();
      return;
    }
    const bad = options.misbehave?.(file, request, log.filter((r) => r.file === file && r.method === 'GET').length - 1);
    if (bad?.kind === 'stall-before-answer') return;
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream' };
    if (options.ranges) headers['accept-ranges'] = 'bytes';
    if (options.sha256 && file.endsWith('.onnx'))
      headers.etag = `"${createHash('sha256')
        .update(bad?.kind === 'bad-sha256' ? 'other' : body)
        .digest('hex')}"`;
    if (bad?.kind === 'announce') headers['x-linked-size'] = bad.bytes;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    if (options.ranges && m && Number(m[1]) < body.length) {
      start = Number(m[1]);
      headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    }
    const part = body.subarray(start);
    headers['content-length'] = part.length;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (req.method === 'HEAD') return void res.end();
    if (bad?.kind === 'stall-after-headers') return void res.flushHeaders();
    if (bad?.kind === 'stall-after') return void res.write(part.subarray(0, bad.bytes));
    if (bad?.kind === 'reset-after')
      return void res.write(part.subarray(0, bad.bytes), () => setTimeout(() => req.socket.destroy(), 20));
    res.end(part);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const url = await listen(server);
  const close = () =>
    new Promise<void>((r) => {
      sockets.forEach((s) => s.destroy());
      server.close(() => r());
      server.closeAllConnections();
    });
  return { url, requests, log, close };
}

/** A network that answers every URL with its login page (HTTP 200, text/html), as hotel and airport Wi-Fi do. */
export async function captivePortal(
  contentType = 'text/html; charset=utf-8',
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const page =
    '<!DOCTYPE html><html><head><title>Welcome</title></head><body>Please log in to use the Wi-Fi.</body></html>';
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(page) });
    res.end(req.method === 'HEAD' ? undefined : page);
  });
  const url = await listen(server);
  return {
    url,
    requests,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export async function silentHost(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  const url = await listen(server);
  return {
    url,
    close: () =>
      new Promise((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

export async function closedPort(): Promise<string> {
  const server = net.createServer();
  const url = await listen(server);
  await new Promise<void>((r) => server.close(() => r()));
  return url;
}
