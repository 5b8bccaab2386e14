// stereo 2D viewer: WHEP to this origin, left + right eye side by side in one canvas,
// connection state on screen, reconnect with backoff; "Enter VR" (xr-session.js) where
// immersive-vr is supported, drawing the same frame sources per eye in the headset.
import { whepConnect, WhepError } from './whep.js';
import { createFrameSource, SideBySideRenderer } from './render2d.js';
import { StereoPairer } from './pairing.js';
import { setupXr } from './xr-session.js';
import { Telemetry } from './telemetry.js';
import { currentToken, saveToken } from './token.js';

const $ = (id) => document.getElementById(id);
const ui = { status: $('status'), detail: $('detail'), eyes: $('eyes'), retry: $('retry'), bar: $('bar'), canvas: $('view'), hidden: $('hidden'),
  enterVr: $('enter-vr'), fullscreen: $('fullscreen'), xrmsg: $('xrmsg'), stats: $('stats'), telemetry: $('telemetry'),
  tokenForm: $('tokenform'), tokenInput: $('token') };

const params = new URLSearchParams(location.search);
const prefer = params.get('source') || 'auto'; // ?source=video forces the <video> fallback
const NO_VIDEO_MS = 8000; // connected but no frame at all
const STALL_MS = 3000; // frames stopped while connected
const DISCONNECTED_MS = 2000; // ICE "disconnected" this long → start over
// Backoff cap: a restarting appliance must be found again within seconds (one viewer, one LAN; a
// retry is one small request). A busy server's Retry-After still wins.
const MAX_BACKOFF_MS = 4000;

let token = currentToken();

const renderer = new SideBySideRenderer(ui.canvas);
renderer.start();

const telemetry = new Telemetry({ overlay: ui.telemetry, token: () => token });
ui.stats.addEventListener('click', () => telemetry.toggle());
window.addEventListener('keydown', (e) => { if ((e.key === 't' || e.key === 'T') && !e.ctrlKey && !e.metaKey && !e.altKey) telemetry.toggle(); });

let attempt = 0;
let current = null; // {pc, session, sources, timers}
let retryTimer = 0;
let generation = 0;
// Video tracks to ask for: 2 (dual-track: left, right); a side-by-side server says it sends 1
// (HTTP 400 naming the count) and we offer again with one.
let trackCount = 2;

// Read by tests (e2e/pagecheck.mjs) and handy in the console.
const viewer = (window.stereoViewer = { state: 'idle', message: '', info: () => renderer.info(), attempts: 0, telemetry: () => telemetry,
  pairing: () => (current ? { ...current.pairer.stats(), log: current.pairer.log.slice() } : null) });

function setState(state, message, detail = '') {
  viewer.state = state;
  viewer.message = message;
  ui.bar.dataset.state = state;
  ui.status.textContent = message;
  ui.detail.textContent = detail;
  ui.retry.hidden = !(state === 'error' || state === 'waiting');
  ui.tokenForm.hidden = state !== 'auth';
  if (state !== 'playing') ui.eyes.textContent = '';
}

function teardown() {
  if (!current) return;
  const c = current;
  current = null;
  c.timers.forEach(clearInterval);
  telemetry.detach();
  if (c.session) c.session.close();
  c.pc.close();
  renderer.setSources([]);
  c.pairer.close();
  c.sources.forEach((s) => s.close());
}

function scheduleRetry(reason, detail, retryAfterMs) {
  teardown();
  clearTimeout(retryTimer);
  const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.8 + 0.4 * Math.random());
  const delay = Math.max(retryAfterMs ?? 0, backoff);
  attempt++;
  const until = Date.now() + delay;
  const gen = generation;
  const tick = () => {
    if (gen !== generation) return;
    const left = Math.ceil((until - Date.now()) / 1000);
    setState('waiting', `${reason} — retrying in ${left} s`, detail);
    if (left > 0) retryTimer = setTimeout(tick, Math.min(1000, until - Date.now()));
    else connect();
  };
  tick();
}

function explain(e) {
  if (!(e instanceof WhepError)) return { msg: 'Connection failed', detail: String(e && e.message || e), retry: true };
  const server = e.detail ? `Server says: ${e.detail}` : '';
  switch (e.status) {
    case 401:
    case 403:
      return {
        msg: token ? 'Access token rejected' : 'This server needs an access token',
        detail: 'Enter the token from the server configuration (server.token); this browser keeps it. ' + server,
        retry: false,
        auth: true,
      };
    case 503:
      return { msg: 'Server busy (too many viewers or cameras not ready)', detail: server, retry: true, retryAfterMs: e.retryAfterMs };
    case 400:
    case 415:
      return { msg: `Server rejected this browser's offer (HTTP ${e.status})`, detail: server, retry: true };
    case 404:
      return { msg: 'No WHEP endpoint on this server', detail: server, retry: true };
    case undefined:
      return { msg: e.message.replace(/^./, (c) => c.toUpperCase()), detail: e.detail || '', retry: true };
    default:
      return { msg: `Server error (HTTP ${e.status})`, detail: server, retry: true, retryAfterMs: e.retryAfterMs };
  }
}

async function connect() {
  clearTimeout(retryTimer);
  teardown();
  const gen = ++generation;
  viewer.attempts++;
  setState('connecting', attempt ? `Connecting (attempt ${attempt + 1})…` : 'Connecting…');

  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  // First m-line = left eye, second = right eye (a side-by-side server uses only the first).
  const trs = Array.from({ length: trackCount }, () => pc.addTransceiver('video', { direction: 'recvonly' }));
  for (const t of trs) {
    try { t.receiver.jitterBufferTarget = 0; } catch { /* not supported: browser default */ }
  }
  const sources = trs.map((t) => createFrameSource(t.receiver.track, { parent: ui.hidden, prefer }));
  // Side-by-side servers answer the second m-line inactive (one track carries both eyes).
  const sideBySide = () => trs.length === 1 || trs[1].currentDirection === 'inactive';
  const pairer = new StereoPairer(sources);
  const c = (current = { pc, session: null, sources, pairer, timers: [], sideBySide });
  renderer.setSources(pairer.views, () => pairer.update());

  try {
    c.session = await whepConnect(pc, { token });
  } catch (e) {
    if (gen !== generation) return;
    const sends = e instanceof WhepError && e.status === 400 && /this server sends (\d+)/.exec(e.detail || '');
    if (sends && Number(sends[1]) !== trackCount && Number(sends[1]) >= 1 && Number(sends[1]) <= 2) {
      trackCount = Number(sends[1]); // the layout changed (or was side-by-side all along)
      connect();
      return;
    }
    const x = explain(e);
    if (x.retry) scheduleRetry(x.msg, x.detail, x.retryAfterMs);
    else {
      teardown();
      if (x.auth && token) { token = null; saveToken(null); } // a rejected token is not kept
      setState('auth', x.msg, x.detail);
      ui.tokenInput.focus();
    }
    return;
  }
  if (gen !== generation) { c.session.close(); return; }
  setState('negotiating', 'Connected to server, waiting for video…');
  telemetry.attach(pc, () => ({ attempts: viewer.attempts, state: viewer.state, layout: trs.length === 1 ? 'side-by-side' : 'dual-track',
    pairing: pairer.stats(), xr: window.stereoXr ? { state: window.stereoXr.state, frames: window.stereoXr.frames } : null }),
    () => pairer.probeLatency());

  // Watch the connection and the frames.
  const started = performance.now();
  let lastFrames = -1, lastFrameAt = performance.now(), disconnectedAt = 0, playingSince = 0;
  c.timers.push(setInterval(() => {
    if (gen !== generation) return;
    const now = performance.now();
    const info = renderer.info();
    const frames = info.reduce((n, e) => n + e.frames, 0);
    if (frames !== lastFrames) { lastFrames = frames; lastFrameAt = now; }
    const st = pc.connectionState;
    if (st === 'failed') return scheduleRetry('Connection lost', 'ICE/DTLS failed');
    if (st === 'disconnected') {
      disconnectedAt = disconnectedAt || now;
      if (now - disconnectedAt > DISCONNECTED_MS) return scheduleRetry('Connection lost', 'network path interrupted');
    } else disconnectedAt = 0;
    if (frames === 0) {
      if (now - started > NO_VIDEO_MS) return scheduleRetry('No video', `connected (${st}) but no frame arrived in ${NO_VIDEO_MS / 1000} s; is the camera pipeline running?`);
      return;
    }
    if (now - lastFrameAt > STALL_MS) return scheduleRetry('Video stalled', `no new frame for ${STALL_MS / 1000} s`);
    if (!playingSince) playingSince = now;
    if (now - playingSince > 10000) attempt = 0; // stable: next failure starts the backoff afresh
    const eyes = info.filter((e) => e.frames > 0);
    const names = info.length === 2 && eyes.length === 2 ? ['left', 'right'] : info.length === 1 ? ['side-by-side'] : ['video', 'video'];
    const missing = info.length === 2 && trs[1].currentDirection !== 'inactive' && info[1].frames === 0 && now - started > NO_VIDEO_MS ? ' — right eye: no video' : '';
    setState('playing', 'Playing' + missing, '');
    ui.eyes.textContent = info.map((e, i) => (e.frames ? `${names[i]} ${e.width}×${e.height} @ ${e.fps} fps` : '')).filter(Boolean).join(' · ');
  }, 500));
}

ui.retry.addEventListener('click', () => { attempt = 0; connect(); });
window.addEventListener('hashchange', () => { const t = currentToken(); if (t && t !== token) { token = t; attempt = 0; connect(); } }); // new #token=…
ui.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const t = ui.tokenInput.value.trim();
  if (!t) return;
  token = t;
  saveToken(t);
  ui.tokenInput.value = '';
  attempt = 0;
  connect();
});
window.addEventListener('pagehide', () => { generation++; teardown(); });
function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
}
ui.canvas.addEventListener('dblclick', toggleFullscreen);
ui.fullscreen.addEventListener('click', toggleFullscreen);
if (!document.fullscreenEnabled) ui.fullscreen.hidden = true;

// Tests only: ?xr-emulate loads a WebXR emulator (IWER) from /xr-emulate/setup.js, a path this
// server does not serve: the test harness provides it (e2e/lib/xr-emulate-setup.js).
if (params.has('xr-emulate')) {
  try { await import('/xr-emulate/setup.js'); } catch (e) { ui.xrmsg.textContent = 'XR emulation requested but not available: ' + e.message; }
}
const xr = setupXr({
  button: ui.enterVr,
  notify: (msg, detail = '') => { ui.xrmsg.textContent = detail ? `${msg}: ${detail}` : msg; },
  pairer: () => (current ? current.pairer : null),
  telemetry,
  sideBySide: () => !!(current && current.sideBySide()),
});
xr.detect().then(() => {
  // ?enter-vr: try to enter at once (works where the browser allows it without a click;
  // otherwise the page says why and the button remains).
  if (params.has('enter-vr') && window.stereoXr.state === 'ready') xr.enter(false);
});

if (!window.isSecureContext || !window.RTCPeerConnection) {
  setState('error', 'This browser cannot play the stream', window.isSecureContext ? 'WebRTC is not available.' : 'The page must be opened over HTTPS.');
} else {
  connect();
}
