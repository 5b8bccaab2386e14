#!/usr/bin/env node
// Watches the product page (/) across a server restart: opens it, waits until it plays (then
// writes "STEREO_E2E_PLAYING" to stderr), and records when the video stopped and when the page
// was playing again on a new connection, with no user action. Ends when stdin closes or after
// --seconds.
//
//   node e2e/reconnect.mjs --url https://127.0.0.1:8443 [--seconds 60] [--allow-network]
//
// One JSON line: {"ok":..,"playingAt":epochMs,"lostAt":epochMs|null,"playingAgainAt":epochMs|null,
//  "attempts":n,"states":[[epochMs,state,message],...]}; ok = playing again after a loss.
import { launch, log, emit, finish, pageScriptArgs, sleep, watchdog } from './lib/browser.mjs';

const a = await pageScriptArgs({ seconds: { type: 'string', default: '60' } });
const seconds = Number(a.seconds);
let browser, stop = false;
const dog = watchdog((seconds + 60) * 1000, () => { emit({ ok: false, error: 'reconnect watchdog fired' }); process.exit(1); });
process.stdin.on('end', () => { stop = true; }).on('close', () => { stop = true; }).resume();

let out = { ok: false };
try {
  browser = await launch();
  const { page } = browser;
  await page.goto(a.url.replace(/\/+$/, '') + '/', { timeout: 10000 });
  const states = [];
  let playingAt = null, lostAt = null, againAt = null, lastKey = '', lastFrames = -1, lastFrameAt = 0, attemptsAtLoss = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end && !stop) {
    const s = await page.evaluate(() => ({ state: stereoViewer.state, message: stereoViewer.message, attempts: stereoViewer.attempts, frames: stereoViewer.info().reduce((n, e) => n + e.frames, 0) }));
    const now = Date.now();
    const key = s.state + '|' + s.message.replace(/\d+ s$/, '');
    if (key !== lastKey) { states.push([now, s.state, s.message]); lastKey = key; log('page:', s.state, s.message); }
    if (s.frames !== lastFrames) { lastFrames = s.frames; lastFrameAt = now; }
    if (!playingAt && s.state === 'playing') { playingAt = now; process.stderr.write('STEREO_E2E_PLAYING\n'); }
    if (playingAt && !lostAt && (s.state !== 'playing' || now - lastFrameAt > 1000)) { lostAt = s.state !== 'playing' ? now : lastFrameAt; attemptsAtLoss = s.attempts; }
    if (lostAt && !againAt && s.state === 'playing' && s.attempts > attemptsAtLoss && now - lastFrameAt < 300) { againAt = now; process.stderr.write('STEREO_E2E_PLAYING_AGAIN\n'); }
    await sleep(100);
  }
  const attempts = await page.evaluate(() => stereoViewer.attempts);
  out = { ok: !!(playingAt && lostAt && againAt), playingAt, lostAt, playingAgainAt: againAt, attempts, states };
  await finish({ browser, dog, out });
} catch (e) {
  await finish({ browser, dog, error: e });
}
