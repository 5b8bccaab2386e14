#!/usr/bin/env node
// A viewer that stays connected and reports what it receives over time, for tests that change the
// stream while it plays (POST /api/stream, a YAML edit): one JSON line per --interval ms on stdout
// until stdin reaches EOF (or --max-hold seconds), then a final line with the whole result.
//
//   node e2e/live.mjs --url https://127.0.0.1:PORT [--token T] [--interval 250] [--max-hold 300]
//        [--first-frame-timeout 15] [--allow-network] [--chromium /usr/bin/chromium]
//
// Lines (stdout):
//   {"event":"playing","t":<epoch ms>}                      every track has its first frame
//   {"event":"sample","t":..,"connectionState":"connected","states":["connecting","connected"],
//    "tracks":[{"index":0,"frames":..,"bytesReceived":..,"framesDecoded":..,"keyFramesDecoded":..,
//               "probe":0|1|"bad"|"none","grid":[[[r,g,b] x4] x4]}, {...}]}
//   {"event":"end","ok":true,"tracks":[...],"states":[...],"deleteStatus":200}
//   failure: {"event":"end","ok":false,"error":"..."} and exit code 1.
// bytesReceived (inbound-rtp, per track) over time is the bitrate the browser measures; "grid" is
// the mean colour of a 4x4 grid over the decoded picture (row-major, top row first), for checking
// geometry (a flip moves the cells); "states" is every RTCPeerConnection state seen, so a test can
// tell that the connection never dropped.
import { parseArgs } from 'node:util';
import { launch, log, MEASURE_HTML, MEASURE_SCRIPT, nonLoopbackInterfaces, sleep, watchdog } from './lib/browser.mjs';

function emit(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }
function fail(error) {
  emit({ event: 'end', ok: false, error });
  process.exit(1);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      interval: { type: 'string', default: '250' },
      'max-hold': { type: 'string', default: '300' },
      'first-frame-timeout': { type: 'string', default: '15' },
      'allow-network': { type: 'boolean', default: false },
      chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
    },
  }));
} catch (e) {
  fail('bad arguments: ' + e.message);
}
const interval = Number(args.interval), maxHold = Number(args['max-hold']), firstFrameTimeout = Number(args['first-frame-timeout']);
if (!args.url) fail('--url is required');
if (!(interval >= 50) || !(maxHold > 0) || !(firstFrameTimeout > 0)) fail('bad --interval, --max-hold or --first-frame-timeout');
const base = args.url.replace(/\/+$/, '');

const others = await nonLoopbackInterfaces();
if (others.length && !args['allow-network']) {
  fail(`refusing to run with non-loopback interfaces (${others.join(', ')}): run inside a loopback-only namespace or pass --allow-network`);
}

let browser = null;
const budget = (maxHold + firstFrameTimeout + 60) * 1000;
const dog = watchdog(budget, async () => {
  emit({ event: 'end', ok: false, error: 'live viewer watchdog fired after ' + budget / 1000 + ' s' });
  if (browser) await Promise.race([browser.close(), sleep(3000)]);
  process.exit(1);
});

let ended = false;
const stdinEnd = new Promise((resolve) => {
  const done = () => { ended = true; resolve(); };
  process.stdin.on('end', done);
  process.stdin.on('close', done);
  process.stdin.on('error', done);
  process.stdin.resume();
});

let result, code = 1;
try {
  browser = await launch({ executablePath: args.chromium });
  const { page } = browser;
  await page.goto(base + '/healthz', { timeout: 10000 });
  await page.setContent(MEASURE_HTML);
  await page.addScriptTag({ path: MEASURE_SCRIPT });
  const sig = await page.evaluate(async (o) => {
    window.__sess = new StereoMeasure.Session({ layout: 'dual-track', timing: 'mstp', mode: 'whep', gridMs: 200 });
    return window.__sess.signal(o.base, 'whep', o.token);
  }, { base, token: args.token || null });
  log('POST /whep ->', sig.status, sig.location || '', sig.ok ? '' : sig.error);
  if (!sig.ok) throw new Error('signalling failed: ' + sig.error + ' ' + (sig.body || ''));
  const missing = await page.evaluate((ms) => window.__sess.waitFirstFrames(ms), firstFrameTimeout * 1000);
  if (missing.length) throw new Error(`no video on track(s) ${missing.join(',')} within ${firstFrameTimeout} s`);
  await page.evaluate(() => window.__sess.openWindow());
  emit({ event: 'playing', t: Date.now() });
  const until = Date.now() + maxHold * 1000;
  while (!ended && Date.now() < until) {
    const s = await page.evaluate(() => window.__sess.sample());
    emit(Object.assign({ event: 'sample' }, s));
    await Promise.race([sleep(interval), stdinEnd]);
  }
  const r = await page.evaluate(() => window.__sess.results());
  for (const l of r.log) log('page: ' + l);
  const deleteStatus = await page.evaluate((o) => window.__sess.hangup(o.base, o.token), { base, token: args.token || null });
  result = { event: 'end', ok: true, tracks: r.tracks, states: r.states, connectionState: r.connectionState, deleteStatus };
  code = 0;
} catch (e) {
  result = { event: 'end', ok: false, error: String((e && e.message) || e).split('\n')[0] };
} finally {
  clearTimeout(dog);
  if (browser) await browser.close();
}
emit(result);
process.exit(code);
