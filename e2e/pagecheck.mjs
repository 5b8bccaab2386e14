#!/usr/bin/env node
// Checks the product page (web/src/main/resources/web/index.html) in headless Chromium: opens
// `${url}/` (with #token=… if given), waits for the page's own state (window.stereoViewer.state)
// and, when it plays, reads the probe band of each eye back from the page's canvas every
// animation frame: the left eye must sit in the left part of the canvas carrying eye id 0, the
// right eye next to it carrying eye id 1. Latency here is "stamp → drawn into the canvas".
//
//   node e2e/pagecheck.mjs --url https://127.0.0.1:8443 [--token T] [--seconds 5]
//        [--expect playing|auth|waiting] [--source auto|video] [--timeout 20] [--screenshot F.png]
//        [--allow-network]
//
// One JSON line on stdout: {"ok":..,"state":..,"message":..,"detail":..,"eyes":[{"eye":"left",
//  "x0":0,"width":640,"frames":..,"fps":..,"eyeIds":{"0":n},"latencyMs":{...},"checksumRejects":..}],
//  "canvas":{"width":..,"height":..},"info":[...]}; exit 1 unless the expected state was reached
// (and, for "playing", both eyes decoded with the right eye ids).
import { launch, log, MEASURE_SCRIPT, emit, finish, pageScriptArgs, sleep, watchdog } from './lib/browser.mjs';
import { readFileSync } from 'node:fs';

const a = await pageScriptArgs({
  token: { type: 'string' },
  seconds: { type: 'string', default: '5' },
  expect: { type: 'string', default: 'playing' },
  source: { type: 'string', default: 'auto' },
  timeout: { type: 'string', default: '20' },
  screenshot: { type: 'string' },
});
const seconds = Number(a.seconds), timeout = Number(a.timeout);
const base = a.url.replace(/\/+$/, '');
let browser;
const dog = watchdog((seconds + timeout + 60) * 1000, async () => {
  emit({ ok: false, error: 'pagecheck watchdog fired' });
  if (browser) await Promise.race([browser.close(), sleep(3000)]);
  process.exit(1);
});

let out;
try {
  browser = await launch();
  const { page } = browser;
  page.on('console', (m) => { if (m.type() === 'error') log('page console error: ' + m.text()); });
  const q = a.source !== 'auto' ? '?source=' + encodeURIComponent(a.source) : '';
  const frag = a.token ? '#token=' + encodeURIComponent(a.token) : '';
  const resp = await page.goto(base + '/' + q + frag, { timeout: 10000 });
  log('GET / ->', resp && resp.status());
  // Probe decoder only (StereoProbe); the product page itself stays untouched.
  await page.addScriptTag({ content: readFileSync(MEASURE_SCRIPT, 'utf8') });

  const reached = await page.waitForFunction((want) => window.stereoViewer && window.stereoViewer.state === want, a.expect, { timeout: timeout * 1000 })
    .then(() => true, () => false);
  const state = await page.evaluate(() => ({ state: window.stereoViewer?.state, message: window.stereoViewer?.message, detail: document.getElementById('detail')?.textContent, attempts: window.stereoViewer?.attempts }));
  log('page state:', JSON.stringify(state));
  out = Object.assign({ ok: reached, expect: a.expect }, state);
  if (!reached) out.error = `page did not reach state "${a.expect}" within ${timeout} s`;

  if (reached && a.expect === 'playing') {
    const r = await page.evaluate(async (ms) => {
      const cv = document.getElementById('view');
      const ctx = cv.getContext('2d');
      const info = window.stereoViewer.info().filter((e) => e.frames > 0);
      let x = 0;
      const eyes = info.map((e, i) => { const o = { eye: info.length === 2 ? (i ? 'right' : 'left') : 'side-by-side', x0: x, width: e.width, seen: new Set(), eyeIds: {}, lat: [], rejects: 0, noProbe: 0 }; x += e.width; return o; });
      // A single side-by-side track: two halves, each its own probe.
      if (eyes.length === 1) {
        const w = eyes[0].width / 2;
        eyes.splice(0, 1, { eye: 'left', x0: 0, width: w, seen: new Set(), eyeIds: {}, lat: [], rejects: 0, noProbe: 0 }, { eye: 'right', x0: w, width: w, seen: new Set(), eyeIds: {}, lat: [], rejects: 0, noProbe: 0 });
      }
      const c = Math.max(...eyes.map((e) => StereoProbe.cellSize(e.width)));
      const t0 = performance.now();
      await new Promise((resolve) => {
        const tick = () => {
          const now = Date.now();
          if (c) {
            const img = ctx.getImageData(0, 0, cv.width, c);
            const d = img.data;
            const luma = (px, py) => { const o = (py * img.width + px) * 4; return 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2]; };
            for (const e of eyes) {
              const p = StereoProbe.decode(luma, e.x0, e.width);
              if (!p) { e.noProbe++; continue; }
              const key = p.ts + ':' + p.chk;
              if (e.seen.has(key)) continue; // same frame still on the canvas
              e.seen.add(key);
              if (!p.ok) { e.rejects++; continue; }
              e.eyeIds[p.eye] = (e.eyeIds[p.eye] || 0) + 1;
              e.lat.push(now - p.ts);
            }
          }
          if (performance.now() - t0 < ms) requestAnimationFrame(tick); else resolve();
        };
        requestAnimationFrame(tick);
      });
      const span = (performance.now() - t0) / 1000;
      return {
        canvas: { width: cv.width, height: cv.height },
        info: window.stereoViewer.info(),
        eyes: eyes.map((e) => ({ eye: e.eye, x0: e.x0, width: e.width, frames: e.seen.size, fps: Math.round((e.seen.size / span) * 10) / 10, eyeIds: e.eyeIds, latencyMs: StereoMeasure.summarize(e.lat), checksumRejects: e.rejects, noProbe: e.noProbe })),
      };
    }, seconds * 1000);
    Object.assign(out, r);
    const problems = [];
    if (r.eyes.length !== 2) problems.push(`expected 2 eyes on the canvas, found ${r.eyes.length}`);
    r.eyes.forEach((e, i) => {
      if (!e.latencyMs.n) problems.push(`${e.eye}: no probe decoded from the canvas`);
      if (Object.keys(e.eyeIds).some((k) => k !== String(i))) problems.push(`${e.eye}: eye ids ${JSON.stringify(e.eyeIds)}`);
    });
    if (problems.length) { out.ok = false; out.error = problems.join('; '); }
  }
  if (a.screenshot) await page.screenshot({ path: a.screenshot });
  await finish({ browser, dog, out });
} catch (e) {
  await finish({ browser, dog, error: e });
}
