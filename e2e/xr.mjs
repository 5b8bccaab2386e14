#!/usr/bin/env node
// WebXR check of the product page (/) in headless Chromium with IWER emulating a Meta Quest 3
// in stereo. IWER is test-only: the page imports /xr-emulate/setup.js under ?xr-emulate and this
// script answers that path (page.route) from e2e/lib and e2e/node_modules/iwer.
//
//   node e2e/xr.mjs --url https://127.0.0.1:8443 [--token T] [--layout dual-track|side-by-side]
//        [--readbacks 10] [--timeout 30] [--screenshot F.png] [--allow-network]
//
// Steps: (1) open /?xr-emulate&enter-vr: the page tries to enter VR without a user gesture and
// must refuse and say why; (2) wait until the 2D page plays and screenshot it: the probe band of
// the left half must say eye 0, of the right half eye 1; (3) click "Enter VR"; in the XR frame
// loop read back each view (centre pixel + probe band of the image that view shows): the left
// view must show eye 0, the right view eye 1.
// One JSON line on stdout: {"ok":..,"gesture":{refused,message},"twoD":{left,right},
//  "xr":{"views":[{"eye":"left","eyeIds":{"0":n},"rejects":..,"centre":[r,g,b],"ageMsP50":..}],"uploads":[..]}}
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, log, nonLoopbackInterfaces, sleep, watchdog } from './lib/browser.mjs';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    layout: { type: 'string', default: 'dual-track' },
    readbacks: { type: 'string', default: '10' },
    timeout: { type: 'string', default: '30' },
    screenshot: { type: 'string' },
    'allow-network': { type: 'boolean', default: false },
  },
});
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
if (!a.url) { emit({ ok: false, error: '--url is required' }); process.exit(1); }
const others = await nonLoopbackInterfaces();
if (others.length && !a['allow-network']) {
  emit({ ok: false, error: `refusing to run with non-loopback interfaces (${others.join(', ')}); use a loopback-only namespace` });
  process.exit(1);
}
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

let out = { ok: false }, code = 1;
try {
  browser = await launch({ viewport: { width: 1280, height: 720 } });
  const { page } = browser;
  page.on('console', (m) => { if (m.type() === 'error') log('page console error: ' + m.text()); });
  await page.route('**/xr-emulate/iwer.module.js', (r) => r.fulfill({ body: IWER, contentType: 'text/javascript' }));
  await page.route('**/xr-emulate/setup.js', (r) => r.fulfill({ body: SETUP, contentType: 'text/javascript' }));
  const frag = a.token ? '#token=' + encodeURIComponent(a.token) : '';
  const resp = await page.goto(base + '/?xr-emulate&enter-vr' + frag, { timeout: 10000 });
  log('GET / ->', resp && resp.status());

  // (1) No gesture: refused, and the page says why. (Read state by polling: waitForFunction and
  // evaluate grant user activation, but only after the page's own attempt at load.)
  await page.waitForFunction(() => window.stereoXr && window.stereoXr.state !== 'unsupported' && window.stereoXr.state !== 'ready', null, { timeout });
  const gesture = await page.evaluate(() => ({ state: stereoXr.state, message: stereoXr.message, shown: document.getElementById('xrmsg').textContent, button: !document.getElementById('enter-vr').hidden }));
  gesture.refused = gesture.state === 'refused' && /gesture|click/i.test(gesture.shown);
  log('no-gesture attempt ->', JSON.stringify(gesture));

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
  const views = {};
  if (st.state === 'presenting') {
    await page.waitForFunction(() => stereoXr.uploads().every((n, i) => n > 0 || i > 0) && stereoXr.frames > 5, null, { timeout });
    for (let i = 0; i < readbacks; i++) {
      const r = await page.evaluate(() => stereoXr.readback());
      for (const v of r || []) {
        const e = (views[v.eye] ||= { eye: v.eye, eyeIds: {}, rejects: 0, none: 0, ages: [] });
        e.viewport = v.viewport; e.centre = v.centre; e.cellPx = v.cellPx;
        if (!v.probe) e.none++;
        else if (v.probe.reject) e.rejects++;
        else { e.eyeIds[v.probe.eyeId] = (e.eyeIds[v.probe.eyeId] || 0) + 1; e.ages.push(v.probe.ageMs); }
      }
      await sleep(100);
    }
  }
  for (const v of Object.values(views)) {
    v.ages.sort((x, y) => x - y);
    v.ageMsP50 = v.ages.length ? v.ages[v.ages.length >> 1] : null;
    delete v.ages;
  }
  const xr = { state: st.state, message: st.message, views: Object.values(views), uploads: await page.evaluate(() => stereoXr.uploads()), frames: await page.evaluate(() => stereoXr.frames) };
  log('XR ->', JSON.stringify(xr));

  const viewOk = (eye, id) => { const v = views[eye]; return !!v && (v.eyeIds[id] || 0) >= Math.ceil(readbacks / 2) && !v.eyeIds[1 - id]; };
  const problems = [];
  if (!gesture.refused) problems.push('session without a user gesture was not refused with a message');
  if (twoD.left.eyeId !== 0 || twoD.right.eyeId !== 1) problems.push('2D screenshot halves do not show eye 0 | eye 1');
  if (st.state !== 'presenting') problems.push('Enter VR click did not start the session: ' + st.message);
  if (!viewOk('left', 0)) problems.push('left view does not show eye 0');
  if (!viewOk('right', 1)) problems.push('right view does not show eye 1');
  out = { ok: !problems.length, ...(problems.length ? { error: problems.join('; ') } : {}), layout: a.layout, gesture, twoD, telemetry, xr };
  code = out.ok ? 0 : 1;
} catch (e) {
  out = { ok: false, error: String((e && e.message) || e).split('\n')[0] };
} finally {
  clearTimeout(dog);
  if (browser) await browser.close();
}
emit(out);
process.exit(code);
