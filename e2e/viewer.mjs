#!/usr/bin/env node
// Headless-Chromium WebRTC viewer for the stereo server: connects by WHEP (or the JSON /offer
// endpoint), measures every received track and prints ONE JSON line on stdout.
//
//   node e2e/viewer.mjs --url https://127.0.0.1:8443 [--mode whep|offer] [--seconds 10]
//        [--token T] [--layout dual-track|side-by-side] [--hold]
//        [--warmup 1] [--timing mstp|rvfc] [--first-frame-timeout 15] [--max-hold 600]
//        [--codec H264] [--allow-network] [--chromium /usr/bin/chromium]
//
// Frame timing: MediaStreamTrackProcessor by default (every decoded frame, read and stamped
// with Date.now() the moment the decoder hands it over; no <video>, so no compositor effects);
// --timing rvfc uses requestVideoFrameCallback on one <video> per track instead. Why: see the
// comment at the top of lib/measure-page.js.
//
// Sequence: page on the server's origin (GET /healthz, then our own measurement HTML via
// setContent so fetches are same-origin) → getUserMedia once (loopback candidates) →
// RTCPeerConnection with 2 recvonly video transceivers (1 for side-by-side) → offer → wait for
// ICE gathering to complete → POST /whep (application/sdp, expects 201 + Location) or POST
// /offer (JSON) → answer → jitterBufferTarget = 0 → wait for the first frame on every track →
// warm-up → measurement window of --seconds → getStats → DELETE <Location> (WHEP, and /offer
// when the server sent a Location) → JSON.
//
// --hold: the window stays open after --seconds until stdin reaches EOF (or --max-hold), so a
// test can join a second viewer while this one plays; the JSON then covers the whole window.
// When every track has its first frame, the line "STEREO_E2E_PLAYING" is written to stderr.
//
// Output (stdout, one line):
//   {"ok":true,"mode":"whep","status":201,"location":"/whep/..","timing":"mstp",
//    "layout":"dual-track","seconds":10.0,"tracks":[{"index":0,"frames":600,"fps":60,
//    "eyeIds":{"0":600},"latencyMs":{"p50":..,"p95":..,"max":..,"min":..,"n":..},
//    "checksumRejects":0,"noProbe":0,"maxGapMs":..,"width":640,"height":480,"format":"I420",
//    "firstFrameMs":..,"totalFrames":..,"stats":{framesDecoded,framesDropped,jitterBufferDelay,
//    jitterBufferEmittedCount,jitterBufferDelayMsPerFrame,totalDecodeTime,decodeMsPerFrame,
//    packetsLost,nackCount,pliCount,firCount,bytesReceived,codec,...}}, ...],
//    "candidatePair":{...},"deleteStatus":200}
//   failure: {"ok":false,"error":"...","status":<HTTP status if any>,"body":"..."} and exit 1.
// Diagnostics go to stderr. Every step has a timeout and a watchdog bounds the whole run.
import { parseArgs } from 'node:util';
import { launch, log, MEASURE_HTML, MEASURE_SCRIPT, nonLoopbackInterfaces, sleep, watchdog } from './lib/browser.mjs';

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      url: { type: 'string' },
      mode: { type: 'string', default: 'whep' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      token: { type: 'string' },
      layout: { type: 'string', default: 'dual-track' },
      hold: { type: 'boolean', default: false },
      timing: { type: 'string', default: 'mstp' },
      codec: { type: 'string' },
      'first-frame-timeout': { type: 'string', default: '15' },
      'http-timeout': { type: 'string', default: '10' },
      'max-hold': { type: 'string', default: '600' },
      'allow-network': { type: 'boolean', default: false },
      chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  fail({ error: 'bad arguments: ' + e.message });
}

function emit(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }
function fail(obj) {
  emit(Object.assign({ ok: false }, obj));
  process.exit(1);
}

if (args.help) {
  process.stderr.write('usage: node e2e/viewer.mjs --url https://127.0.0.1:PORT [--mode whep|offer] [--seconds 10] [--token T]\n' +
    '       [--layout dual-track|side-by-side] [--hold] [--warmup 1] [--timing mstp|rvfc] [--codec H264]\n' +
    '       [--first-frame-timeout 15] [--http-timeout 10] [--max-hold 600] [--allow-network] [--chromium PATH]\n');
  process.exit(0);
}

const seconds = Number(args.seconds), warmup = Number(args.warmup);
const firstFrameTimeout = Number(args['first-frame-timeout']), maxHold = Number(args['max-hold']);
const httpTimeout = Number(args['http-timeout']);
if (!args.url) fail({ error: '--url is required' });
if (!['whep', 'offer'].includes(args.mode)) fail({ error: '--mode must be whep or offer' });
if (!['dual-track', 'side-by-side'].includes(args.layout)) fail({ error: '--layout must be dual-track or side-by-side' });
if (!['mstp', 'rvfc'].includes(args.timing)) fail({ error: '--timing must be mstp or rvfc' });
for (const [k, v] of Object.entries({ seconds, warmup, firstFrameTimeout, maxHold, httpTimeout })) if (!(v >= 0)) fail({ error: `bad --${k}` });
let base;
try {
  const u = new URL(args.url);
  base = u.origin + u.pathname.replace(/\/+$/, '');
} catch (e) {
  fail({ error: 'bad --url: ' + e.message });
}

// ICE would gather and check candidates on every interface: only run where lo is all there is.
const others = await nonLoopbackInterfaces();
if (others.length && !args['allow-network']) {
  fail({ error: `refusing to run with non-loopback interfaces (${others.join(', ')}): run inside ` +
    `"unshare --net -- bash -c 'ip link set lo up && exec ...'" together with the server, or pass --allow-network` });
}

// Whole-run bound.
const budget = (warmup + seconds + firstFrameTimeout + httpTimeout + 60 + (args.hold ? maxHold : 0)) * 1000;
let browser = null;
const dog = watchdog(budget, async () => {
  log('watchdog: run exceeded ' + budget / 1000 + ' s');
  emit({ ok: false, error: 'viewer watchdog fired after ' + budget / 1000 + ' s' });
  if (browser) await Promise.race([browser.close(), sleep(3000)]);
  process.exit(1);
});

function stdinClosed() {
  return new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.on('error', resolve);
    process.stdin.resume(); // drain whatever is written; only EOF matters
  });
}

let result = null, exitCode = 1;
try {
  browser = await launch({ executablePath: args.chromium });
  const { page } = browser;

  let healthz = null;
  try {
    const r = await page.goto(base + '/healthz', { timeout: 10000 });
    healthz = r ? r.status() : null;
  } catch (e) {
    throw Object.assign(new Error('cannot open ' + base + '/healthz: ' + e.message.split('\n')[0]), { phase: 'healthz' });
  }
  log('GET /healthz ->', healthz);
  await page.setContent(MEASURE_HTML);
  await page.addScriptTag({ path: MEASURE_SCRIPT });

  const sig = await page.evaluate(async (o) => {
    window.__sess = new StereoMeasure.Session(o.opts);
    return window.__sess.signal(o.base, o.mode, o.token);
  }, { base, mode: args.mode, token: args.token || null, opts: { layout: args.layout, timing: args.timing, codec: args.codec || null, mode: args.mode, httpTimeoutMs: httpTimeout * 1000 } });
  log(`POST /${args.mode} ->`, sig.status, sig.location || '', sig.ok ? '' : sig.error);

  const common = { mode: args.mode, status: sig.status ?? null, location: sig.location ?? null, timing: args.timing, layout: args.layout, healthz };
  if (!sig.ok) {
    const pageLog = await page.evaluate(() => window.__sess.log).catch(() => []);
    for (const l of pageLog) log('page: ' + l);
    result = Object.assign({ ok: false, error: sig.error, body: sig.body ?? null }, common);
    if (sig.retryAfter) result.retryAfter = sig.retryAfter;
  } else {
    const missing = await page.evaluate((ms) => window.__sess.waitFirstFrames(ms), firstFrameTimeout * 1000);
    let error = null;
    if (missing.length) {
      error = `no video on track(s) ${missing.join(',')} within ${firstFrameTimeout} s`;
    } else {
      process.stderr.write('STEREO_E2E_PLAYING\n');
      await sleep(warmup * 1000);
      await page.evaluate(() => window.__sess.openWindow());
      const t0 = Date.now();
      if (args.hold) {
        log('holding: window stays open until stdin is closed (max ' + maxHold + ' s)');
        await Promise.all([sleep(seconds * 1000), Promise.race([stdinClosed(), sleep(maxHold * 1000)])]);
      } else {
        await sleep(seconds * 1000);
      }
      await page.evaluate(() => window.__sess.closeWindow());
      common.seconds = Math.round((Date.now() - t0) / 100) / 10;
    }
    const r = await page.evaluate(() => window.__sess.results());
    for (const l of r.log) log('page: ' + l);
    const deleteStatus = await page.evaluate((o) => window.__sess.hangup(o.base, o.token), { base, token: args.token || null });
    if (sig.location) log('DELETE', sig.location, '->', deleteStatus);
    if (!error) {
      const empty = r.tracks.filter((t) => !t.frames).map((t) => t.index);
      if (empty.length) error = `no frames in the measurement window on track(s) ${empty.join(',')}`;
    }
    result = Object.assign({ ok: !error }, error ? { error } : {}, common, {
      tracks: r.tracks,
      connectionState: r.connectionState,
      candidatePair: r.candidatePair,
      deleteStatus: sig.location ? deleteStatus : undefined,
    });
  }
  exitCode = result.ok ? 0 : 1;
} catch (e) {
  result = { ok: false, error: String((e && e.message) || e).split('\n')[0] };
  exitCode = 1;
} finally {
  clearTimeout(dog);
  if (browser) await browser.close();
}
emit(result);
process.exit(exitCode);
