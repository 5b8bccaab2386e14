#!/usr/bin/env node
// WebXR check of the product page (/) in headless Chromium with IWER emulating a Meta Quest 3
// in stereo. IWER is test-only: the page imports /xr-emulate/setup.js under ?xr-emulate and this
// script answers that path (page.route) from e2e/lib and e2e/node_modules/iwer.
//
//   node e2e/xr.mjs --url https://127.0.0.1:8443 [--token T | --ask-token T]
//        [--layout dual-track|side-by-side] [--readbacks 10] [--timeout 30] [--screenshot F.png]
//        [--pairing-seconds 3] [--controls] [--allow-network]
//
// Steps: (1) open /?xr-emulate&enter-vr: the page tries to enter VR without a user gesture and
// must refuse and say why; with --ask-token the page must then ask for the access token, which
// is typed into its form; (2) wait until the 2D page plays and screenshot it: the probe band of
// the left half must say eye 0, of the right half eye 1; (2b) stereo pairing: for a few seconds
// decode both halves of the canvas every animation frame: a frame pair shown together must carry
// one capture time (and the page's own pairing log equal RTP timestamps); (3) click "Enter VR";
// in the XR frame loop read back each view (centre pixel + probe band of the image that view
// shows): the left view must show eye 0, the right view eye 1, both of one capture instant.
// --controls adds: (4) B on the right controller hides and shows the telemetry panel in the
// headset; (5) thumbsticks move the screen (distance, convergence), A toggles head-locked, and
// the settings reach localStorage; (6) leave VR and reload: the page plays again without asking
// for the token (kept from step 1) and with the settings kept.
// One JSON line on stdout: {"ok":..,"gesture":{refused,message},"twoD":{left,right},"pairing":{..},
//  "xr":{"views":[{"eye":"left","eyeIds":{"0":n},"rejects":..,"centre":[r,g,b],"ageMsP50":..}],"uploads":[..],
//  "sameInstant":n,"differentInstant":n},"overlay":{..},"controls":{..},"reload":{..}}
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, log, emit, finish, pageScriptArgs, sleep, watchdog } from './lib/browser.mjs';

const a = await pageScriptArgs({
  token: { type: 'string' },
  'ask-token': { type: 'string' },
  'pairing-seconds': { type: 'string', default: '3' },
  controls: { type: 'boolean', default: false },
  layout: { type: 'string', default: 'dual-track' },
  readbacks: { type: 'string', default: '10' },
  timeout: { type: 'string', default: '30' },
  screenshot: { type: 'string' },
});
const timeout = Number(a.timeout) * 1000, readbacks = Number(a.readbacks);
const base = a.url.replace(/\/+$/, '');
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const IWER = readFileSync(here('./node_modules/iwer/build/iwer.module.js'));
const SETUP = readFileSync(here('./lib/xr-emulate-setup.js'));

let browser;
const dog = watchdog(timeout * 3 + 60000, async () => {
  emit({ ok: false, error: 'xr watchdog fired' });
  if (browser) await Promise.race([browser.close(), sleep(3000)]);
  process.exit(1);
});

/** Decodes a PROBE.md band from RGBA pixels (row-major, stride w*4) at x0 with frame width fw. */
function decodeBand(px, stride, x0, y0, fw, scale) {
  const c = fw >= 1024 ? 16 : Math.floor(fw / 64);
  let bits = 0n;
  for (let i = 0; i < 64; i++) {
    const cx = Math.round(x0 + (c * i + c / 2) * scale), cy = Math.round(y0 + (c / 2) * scale);
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const o = ((cy + dy) * stride + (cx + dx)) * 4;
      sum += 0.299 * px[o] + 0.587 * px[o + 1] + 0.114 * px[o + 2];
    }
    bits = (bits << 1n) | (sum / 9 >= 128 ? 1n : 0n);
  }
  const ts = Number(bits >> 16n), eyeId = Number((bits >> 8n) & 0xffn), chk = Number(bits & 0xffn);
  let x = eyeId;
  for (let i = 0; i < 6; i++) x ^= Math.floor(ts / 2 ** (8 * i)) & 0xff;
  return x === chk ? { eyeId, ageMs: Date.now() - ts } : { reject: true };
}

/** In the page: decodes the probe band (PROBE.md) of both halves of the 2D canvas every animation frame for `ms`. */
async function canvasPairs(page, ms, sbs) {
  return page.evaluate(async ({ ms, sbs }) => {
    const cv = document.getElementById('view'), ctx = cv.getContext('2d', { willReadFrequently: true });
    const decode = (d, stride, x0, fw) => {
      const c = fw >= 1024 ? 16 : Math.floor(fw / 64);
      let bits = 0n;
      for (let i = 0; i < 64; i++) {
        const o = (Math.floor(c / 2) * stride + x0 + c * i + Math.floor(c / 2)) * 4;
        bits = (bits << 1n) | (0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2] >= 128 ? 1n : 0n);
      }
      const ts = Number(bits >> 16n), eye = Number((bits >> 8n) & 0xffn), chk = Number(bits & 0xffn);
      let x = eye;
      for (let i = 0; i < 6; i++) x ^= Math.floor(ts / 2 ** (8 * i)) & 0xff;
      return x === chk ? { ts, eye } : null;
    };
    const seen = new Set();
    let same = 0, different = 0, undecoded = 0, maxSkewMs = 0;
    const t0 = performance.now();
    await new Promise((resolve) => {
      const tick = () => {
        const half = sbs ? cv.width / 2 : (stereoViewer.info()[0] || {}).width;
        if (half) {
          const c = half >= 1024 ? 16 : Math.floor(half / 64);
          const img = ctx.getImageData(0, 0, cv.width, c);
          const l = decode(img.data, img.width, 0, half), r = decode(img.data, img.width, half, half);
          if (!l || !r) undecoded++;
          else {
            const key = l.ts + '|' + r.ts;
            if (!seen.has(key)) { // a new presentation (the canvas keeps the last pair)
              seen.add(key);
              if (l.ts === r.ts) same++; else { different++; maxSkewMs = Math.max(maxSkewMs, Math.abs(l.ts - r.ts)); }
            }
          }
        }
        if (performance.now() - t0 < ms) requestAnimationFrame(tick); else resolve();
      };
      requestAnimationFrame(tick);
    });
    const p = stereoViewer.pairing();
    const logged = p ? p.log.filter((e) => e.paired) : [];
    return { same, different, undecoded, maxSkewMs, mode: p && p.mode, paired: p && p.paired, unpaired: p && p.unpaired,
      pairedLogged: logged.length, pairedRtpUnequal: logged.filter((e) => e.rtp[0] !== e.rtp[1]).length,
      unequalSample: logged.map((e, i) => [i, e.rtp]).filter(([, r]) => r[0] !== r[1]).slice(0, 5),
      rtpSample: logged.slice(-3).map((e) => e.rtp) };
  }, { ms, sbs });
}

/** Per-view readbacks of `n` XR frames, 100 ms apart; summarised per eye, plus same-instant counts. */
async function readViews(page, n) {
  const views = {};
  let sameInstant = 0, differentInstant = 0;
  const seen = new Set(); // distinct presented pairs (a stalled stream shows one pair many times)
  const overlayPx = [];
  let cellPx = null;
  for (let i = 0; i < n; i++) {
    const r = await page.evaluate(() => stereoXr.readback());
    const ts = {};
    for (const v of r || []) {
      const e = (views[v.eye] ||= { eye: v.eye, eyeIds: {}, rejects: 0, none: 0, ages: [] });
      e.viewport = v.viewport; e.centre = v.centre; e.cellPx = v.cellPx;
      if (!v.probe) e.none++;
      else if (v.probe.reject) e.rejects++;
      else { e.eyeIds[v.probe.eyeId] = (e.eyeIds[v.probe.eyeId] || 0) + 1; e.ages.push(v.probe.ageMs); ts[v.eye] = v.probe.ts; }
      overlayPx.push(v.overlayPx);
      if (v.eye === 'left') cellPx = v.cellPx;
    }
    const key = ts.left + '|' + ts.right;
    if (ts.left != null && ts.right != null && !seen.has(key)) { seen.add(key); if (ts.left === ts.right) sameInstant++; else differentInstant++; }
    if (n > 1) await sleep(100);
  }
  for (const v of Object.values(views)) {
    v.ages.sort((x, y) => x - y);
    v.ageMsP50 = v.ages.length ? v.ages[v.ages.length >> 1] : null;
    delete v.ages;
  }
  return { views, sameInstant, differentInstant, overlayPx, cellPx };
}

const OVERLAY_RGB = [16, 48, 96]; // web/xr-overlay.js
const isOverlay = (px) => px && px.every((c, i) => Math.abs(c - OVERLAY_RGB[i]) <= 6);

/** Presses a button of an emulated controller for a few XR frames. */
async function press(page, hand, button) {
  await page.evaluate(({ hand, button }) => __iwerDevice.controllers[hand].updateButtonValue(button, 1), { hand, button });
  const f = await page.evaluate(() => stereoXr.frames);
  await page.waitForFunction((f) => stereoXr.frames > f + 3, f);
  await page.evaluate(({ hand, button }) => __iwerDevice.controllers[hand].updateButtonValue(button, 0), { hand, button });
  const g = await page.evaluate(() => stereoXr.frames);
  await page.waitForFunction((g) => stereoXr.frames > g + 3, g);
}

let out = { ok: false };
try {
  browser = await launch({ viewport: { width: 1280, height: 720 } });
  const { page } = browser;
  page.on('console', (m) => { if (m.type() === 'error') log('page console error: ' + m.text()); });
  await page.route('**/xr-emulate/iwer.module.js', (r) => r.fulfill({ body: IWER, contentType: 'text/javascript' }));
  await page.route('**/xr-emulate/setup.js', (r) => r.fulfill({ body: SETUP, contentType: 'text/javascript' }));
  const frag = a.token ? '#token=' + encodeURIComponent(a.token) : '';
  const resp = await page.goto(base + '/?xr-emulate&enter-vr' + frag, { timeout: 10000 });
  log('GET / ->', resp && resp.status());
  const problems = [];

  // (1) No gesture: refused, and the page says why. (Read state by polling: waitForFunction and
  // evaluate grant user activation, but only after the page's own attempt at load.)
  await page.waitForFunction(() => window.stereoXr && window.stereoXr.state !== 'unsupported' && window.stereoXr.state !== 'ready', null, { timeout });
  const gesture = await page.evaluate(() => ({ state: stereoXr.state, message: stereoXr.message, shown: document.getElementById('xrmsg').textContent, button: !document.getElementById('enter-vr').hidden }));
  gesture.refused = gesture.state === 'refused' && /gesture|click/i.test(gesture.shown);
  log('no-gesture attempt ->', JSON.stringify(gesture));
  if (!gesture.refused) problems.push('session without a user gesture was not refused with a message');

  // (1b) The server wants a token the page does not have: it asks; the user types it once.
  let asked = null;
  if (a['ask-token']) {
    await page.waitForFunction(() => stereoViewer.state === 'auth', null, { timeout });
    asked = await page.evaluate(() => ({ message: stereoViewer.message, form: !document.getElementById('tokenform').hidden }));
    log('token asked ->', JSON.stringify(asked));
    if (!asked.form) problems.push('401: the page did not ask for the token');
    await page.fill('#token', a['ask-token']);
    await page.click('#tokenform button[type=submit]');
  }

  // (2) 2D page plays; screenshot; decode each half.
  await page.waitForFunction(() => window.stereoViewer && window.stereoViewer.state === 'playing', null, { timeout });
  await sleep(1000);
  const rect = await page.evaluate(() => {
    const c = document.getElementById('view'), r = c.getBoundingClientRect();
    const s = Math.min(r.width / c.width, r.height / c.height);
    return { x: r.x + (r.width - c.width * s) / 2, y: r.y + (r.height - c.height * s) / 2, scale: s, cw: c.width, ch: c.height, info: stereoViewer.info() };
  });
  const png = await page.screenshot({ path: a.screenshot });
  // Decode the PNG in the page (no image library here); bring back only the band rows.
  const bandRows = Math.ceil(20 * rect.scale) + 2, y0 = Math.floor(rect.y);
  const shot = await page.evaluate(async ({ b64, y0, rows }) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const cv = new OffscreenCanvas(img.width, img.height), cx = cv.getContext('2d');
    cx.drawImage(img, 0, 0);
    return { w: img.width, h: img.height, px: Array.from(cx.getImageData(0, y0, img.width, rows).data) };
  }, { b64: png.toString('base64'), y0, rows: bandRows });
  const sbs = a.layout === 'side-by-side';
  const eyeW = sbs ? rect.info[0].width / 2 : rect.info[0].width;
  const twoD = {
    canvas: { width: rect.cw, height: rect.ch, scale: rect.scale },
    left: decodeBand(shot.px, shot.w, rect.x, rect.y - y0, eyeW, rect.scale),
    right: decodeBand(shot.px, shot.w, rect.x + eyeW * rect.scale, rect.y - y0, eyeW, rect.scale),
  };
  log('2D screenshot ->', JSON.stringify(twoD));
  if (twoD.left.eyeId !== 0 || twoD.right.eyeId !== 1) problems.push('2D screenshot halves do not show eye 0 | eye 1');

  // (2b) Stereo pairing, read from what the canvas shows.
  const pairing = await canvasPairs(page, Number(a['pairing-seconds']) * 1000, sbs);
  log('pairing ->', JSON.stringify(pairing));

  // Telemetry overlay: key T shows per-eye receive statistics.
  await page.keyboard.press('t');
  await page.waitForFunction(() => /left .*fps[\s\S]*right .*fps/.test(document.getElementById('telemetry').textContent), null, { timeout: 10000 }).catch(() => {});
  const telemetry = await page.evaluate(() => ({ shown: !document.getElementById('telemetry').hidden, text: document.getElementById('telemetry').textContent,
    postStatus: stereoViewer.telemetry().postStatus, postEnabled: stereoViewer.telemetry().postEnabled }));
  log('telemetry ->', JSON.stringify(telemetry));

  // (3) A real click on Enter VR; per-view readback.
  await page.click('#enter-vr');
  await page.waitForFunction(() => stereoXr.state === 'presenting' || stereoXr.state === 'error', null, { timeout });
  const st = await page.evaluate(() => ({ state: stereoXr.state, message: stereoXr.message }));
  let rb = { views: {}, sameInstant: 0, differentInstant: 0 };
  if (st.state === 'presenting') {
    await page.waitForFunction(() => stereoXr.uploads().every((n, i) => n > 0 || i > 0) && stereoXr.frames > 5, null, { timeout });
    rb = await readViews(page, readbacks);
  }
  const views = rb.views;
  const xr = { state: st.state, message: st.message, views: Object.values(views), uploads: await page.evaluate(() => stereoXr.uploads()), frames: await page.evaluate(() => stereoXr.frames),
    sameInstant: rb.sameInstant, differentInstant: rb.differentInstant, pairing: await page.evaluate(() => { const p = stereoViewer.pairing(); return p && { mode: p.mode, paired: p.paired, unpaired: p.unpaired }; }) };
  log('XR ->', JSON.stringify(xr));
  const viewOk = (eye, id) => { const v = views[eye]; return !!v && (v.eyeIds[id] || 0) >= Math.ceil(readbacks / 2) && !v.eyeIds[1 - id]; };
  if (st.state !== 'presenting') problems.push('Enter VR click did not start the session: ' + st.message);
  if (!viewOk('left', 0)) problems.push('left view does not show eye 0');
  if (!viewOk('right', 1)) problems.push('right view does not show eye 1');

  let overlay = null, controls = null, reload = null;
  if (a.controls && st.state === 'presenting') {
    // (4) Telemetry panel in the headset: shown (key T above), B hides it, B shows it again.
    const shownBefore = (await readViews(page, 1)).overlayPx;
    await press(page, 'right', 'b-button');
    const afterFirst = { visible: await page.evaluate(() => stereoViewer.telemetry().visible), px: (await readViews(page, 1)).overlayPx };
    await press(page, 'right', 'b-button');
    const afterSecond = { visible: await page.evaluate(() => stereoViewer.telemetry().visible), px: (await readViews(page, 1)).overlayPx };
    overlay = { shownBefore, afterFirst, afterSecond,
      ok: shownBefore.every(isOverlay) && !afterFirst.visible && !afterFirst.px.some(isOverlay) && afterSecond.visible && afterSecond.px.every(isOverlay) };
    log('overlay ->', JSON.stringify(overlay));
    if (!overlay.ok) problems.push('B did not toggle the telemetry panel in the headset');

    // (5) Thumbsticks: right stick forward brings the screen closer, left stick right converges; A: world-locked.
    const before = { settings: await page.evaluate(() => ({ ...stereoXr.settings })), cellPx: (await readViews(page, 1)).cellPx };
    await page.evaluate(() => { __iwerDevice.controllers.right.updateAxes('thumbstick', 0, -1); __iwerDevice.controllers.left.updateAxes('thumbstick', 1, 0); });
    await sleep(700);
    await page.evaluate(() => { __iwerDevice.controllers.right.updateAxes('thumbstick', 0, 0); __iwerDevice.controllers.left.updateAxes('thumbstick', 0, 0); });
    await press(page, 'right', 'a-button');
    await sleep(800); // settings are saved 0.5 s after the last change, outside the frame loop
    const after = { settings: await page.evaluate(() => ({ ...stereoXr.settings })), cellPx: (await readViews(page, 1)).cellPx,
      stored: await page.evaluate(() => JSON.parse(localStorage.getItem('stereo.xr.settings') || 'null')) };
    controls = { before, after,
      ok: after.settings.distance < before.settings.distance && after.settings.convergence > before.settings.convergence
        && after.settings.headLocked !== before.settings.headLocked && after.cellPx > before.cellPx
        && !!after.stored && after.stored.distance === after.settings.distance && after.stored.headLocked === after.settings.headLocked };
    log('controls ->', JSON.stringify(controls));
    if (!controls.ok) problems.push('thumbsticks / A did not change, show and keep the screen settings');

    // (6) Leave VR, reload: plays again without asking for the token; settings kept.
    await page.evaluate(() => stereoXr.exit());
    await page.goto(base + '/?reloaded', { timeout: 10000 });
    const states = new Set();
    const end = Date.now() + timeout;
    let state = '';
    while (Date.now() < end) {
      state = await page.evaluate(() => window.stereoViewer && stereoViewer.state).catch(() => '');
      if (state) states.add(state);
      if (state === 'playing') break;
      await sleep(100);
    }
    reload = { states: [...states], settings: await page.evaluate(() => window.stereoXr && stereoXr.settings) };
    reload.ok = state === 'playing' && !states.has('auth') && !!reload.settings && reload.settings.distance === after.settings.distance
      && reload.settings.headLocked === after.settings.headLocked;
    log('reload ->', JSON.stringify(reload));
    if (!reload.ok) problems.push('after a reload the page did not play without asking, with the settings kept');
  }

  out = { ok: !problems.length, ...(problems.length ? { error: problems.join('; ') } : {}), layout: a.layout, gesture, asked, twoD, pairing, telemetry, xr, overlay, controls, reload };
  await finish({ browser, dog, out });
} catch (e) {
  await finish({ browser, dog, error: e });
}
