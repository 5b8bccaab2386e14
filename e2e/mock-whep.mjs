#!/usr/bin/env node
// Stand-in for the stereo server, for testing the harness (viewer.mjs) and the product page
// without the Java server. It speaks the DESIGN.md interfaces over HTTPS (self-signed cert made
// with openssl): GET /healthz, POST /whep (201 + Location), DELETE /whep/<id>, PATCH → 204,
// POST /offer (JSON), Bearer token (401), 415, 400, 503 + Retry-After at capacity, and serves a
// static directory (default: the product page in web/src/main/resources/web) at /.
// The media comes from a headless Chromium page: per viewer a ProbeSender (canvas tracks with a
// PROBE.md stamp per frame) answering the viewer's offer — not the product's pipeline, so its
// latency numbers only say something about the harness.
//
//   node e2e/mock-whep.mjs [--port 8443] [--token T] [--max-viewers 4] [--layout dual-track]
//        [--fps 60] [--width 640] [--height 480] [--lifetime 300] [--static DIR]
//
// Exits after --lifetime seconds, on SIGINT/SIGTERM, or when stdin reaches EOF if --stdin.
// Must run in the same loopback-only namespace as the viewer.
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, normalize, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { launch, log, MEASURE_HTML, MEASURE_SCRIPT } from './lib/browser.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({
  options: {
    port: { type: 'string', default: '8443' },
    token: { type: 'string' },
    'max-viewers': { type: 'string', default: '4' },
    layout: { type: 'string', default: 'dual-track' },
    fps: { type: 'string', default: '60' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
    lifetime: { type: 'string', default: '300' },
    static: { type: 'string', default: join(here, '..', 'web', 'src', 'main', 'resources', 'web') },
    stdin: { type: 'boolean', default: false },
  },
});

const tmp = mkdtempSync(join(tmpdir(), 'stereo-mock-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem')], { stdio: 'ignore' });
const port = Number(a.port);
const maxViewers = Number(a['max-viewers']);
const sessions = new Map();

const browser = await launch();
const senderPage = browser.page;
let server;

async function shutdown(code = 0) {
  log('mock: shutting down');
  if (server) server.close();
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
setTimeout(() => shutdown(0), Number(a.lifetime) * 1000).unref();
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
if (a.stdin) { process.stdin.on('end', () => shutdown(0)); process.stdin.resume(); }

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function json(res, status, obj, headers = {}) {
  res.writeHead(status, Object.assign({ 'Content-Type': 'application/json' }, headers));
  res.end(JSON.stringify(obj));
}
function readBody(req, limit = 256 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = []; let n = 0;
    req.on('data', (c) => { n += c.length; if (n > limit) { reject(Object.assign(new Error('too large'), { status: 413 })); req.destroy(); } else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function answer(offer) {
  if (!/^v=0/.test(offer) || !/m=video/.test(offer)) throw Object.assign(new Error('not a video SDP offer'), { status: 400 });
  if (sessions.size >= maxViewers) throw Object.assign(new Error('at capacity'), { status: 503 });
  const id = randomUUID();
  const sdp = await senderPage.evaluate(async (o) => {
    const s = new StereoMeasure.ProbeSender({ width: o.width, height: o.height, fps: o.fps, layout: o.layout });
    window.__senders = window.__senders || {};
    window.__senders[o.id] = s;
    s.start();
    return s.answer(o.offer);
  }, { id, offer, width: Number(a.width), height: Number(a.height), fps: Number(a.fps), layout: a.layout });
  sessions.set(id, Date.now());
  return { id, sdp };
}
async function drop(id) {
  sessions.delete(id);
  await senderPage.evaluate((id) => { const s = window.__senders[id]; if (s) { s.stop(); s.pc.close(); delete window.__senders[id]; } }, id);
}

async function handle(req, res) {
  const url = new URL(req.url, 'https://127.0.0.1');
  const p = url.pathname;
  const authed = !a.token || req.headers.authorization === 'Bearer ' + a.token;
  if (p === '/healthz') return json(res, 200, { status: 'ok', mock: true });
  if (p === '/api/status') return json(res, 200, { pipeline: 'mock', viewers: sessions.size, encoder: { left: 'chromium', right: 'chromium' } });
  if (p === '/whep' && req.method === 'POST') {
    if (!authed) return json(res, 401, { error: 'unauthorized', detail: 'Bearer token required' }, { 'WWW-Authenticate': 'Bearer' });
    if (!(req.headers['content-type'] || '').startsWith('application/sdp')) return json(res, 415, { error: 'unsupported media type', detail: 'use application/sdp' });
    const offer = await readBody(req);
    const { id, sdp } = await answer(offer);
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: '/whep/' + id });
    return res.end(sdp);
  }
  if (p === '/offer' && req.method === 'POST') {
    if (!authed) return json(res, 401, { error: 'unauthorized', detail: 'Bearer token required' });
    let j;
    try { j = JSON.parse(await readBody(req)); } catch (e) { return json(res, 400, { error: 'bad json', detail: e.message }); }
    if (j.type !== 'offer' || typeof j.sdp !== 'string') return json(res, 400, { error: 'bad offer', detail: 'expected {"type":"offer","sdp":...}' });
    const { sdp } = await answer(j.sdp);
    return json(res, 200, { type: 'answer', sdp });
  }
  const m = /^\/whep\/([0-9a-f-]+)$/.exec(p);
  if (m) {
    if (!authed) return json(res, 401, { error: 'unauthorized', detail: 'Bearer token required' });
    if (!sessions.has(m[1])) return json(res, 404, { error: 'no such session', detail: m[1] });
    if (req.method === 'DELETE') { await drop(m[1]); res.writeHead(200); return res.end(); }
    if (req.method === 'PATCH') { await readBody(req); res.writeHead(204); return res.end(); }
    return json(res, 405, { error: 'method not allowed', detail: req.method });
  }
  if (req.method === 'GET') {
    const rel = normalize(p === '/' ? '/index.html' : p).replace(/^(\.\.[/\\])+/, '');
    const f = join(a.static, rel);
    if (f.startsWith(a.static) && existsSync(f) && statSync(f).isFile()) {
      res.writeHead(200, { 'Content-Type': MIME[extname(f)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
      return res.end(readFileSync(f));
    }
  }
  return json(res, 404, { error: 'not found', detail: p });
}

server = https.createServer({ key: readFileSync(join(tmp, 'key.pem')), cert: readFileSync(join(tmp, 'cert.pem')) }, (req, res) => {
  handle(req, res).catch((e) => {
    const status = e.status || 500;
    log('mock: ' + req.method + ' ' + req.url + ' -> ' + status + ' ' + e.message);
    json(res, status, { error: e.message, detail: String(e.stack || '').split('\n')[1] || '' }, status === 503 ? { 'Retry-After': '2' } : {});
  });
});
await new Promise((r) => server.listen(port, '127.0.0.1', r));
// The sender page lives on the mock's own origin (secure context → loopback candidates).
await senderPage.goto(`https://127.0.0.1:${port}/healthz`);
await senderPage.setContent(MEASURE_HTML);
await senderPage.addScriptTag({ path: MEASURE_SCRIPT });
await senderPage.evaluate(async () => { const s = await navigator.mediaDevices.getUserMedia({ video: true }); s.getTracks().forEach((t) => t.stop()); });
log(`mock: listening on https://127.0.0.1:${port} (token ${a.token ? 'required' : 'off'}, max ${maxViewers} viewers)`);
process.stderr.write('STEREO_MOCK_READY\n');
