// "Enter VR": an immersive-vr session started from the button's click, drawing each eye's video
// into that eye's view (xr-renderer.js). The button only appears where immersive-vr is supported.
import { XrStereoRenderer } from './xr-renderer.js';
import { XrOverlay } from './xr-overlay.js';
import { loadSettings, saveSettings, applySticks } from './xr-settings.js';
import { yawOnly } from './xr-math.js';

const GESTURE_MSG = 'VR must be started by a click on "Enter VR": browsers refuse immersive sessions without a user gesture.';

/**
 * @param {object} o
 * @param {HTMLButtonElement} o.button the Enter VR button (hidden until supported)
 * @param {(msg: string, detail?: string) => void} o.notify shows a message on the page
 * @param {() => object|null} o.pairer the current connection's StereoPairer (pairing.js)
 * @param {() => boolean} o.sideBySide true when one track carries both eyes
 * @param {object} o.telemetry Telemetry (telemetry.js): its lines on the overlay, toggled by B / Y
 */
export function setupXr({ button, notify, pairer, sideBySide, telemetry }) {
  const api = (window.stereoXr = { state: 'unsupported', message: '', frames: 0, settings: loadSettings(), enter: () => enter(false) });
  let session = null, gl = null, renderer = null, overlay = null, refSpace = null, anchor = null;
  let readbackWaiters = [], lastTime = 0, saveTimer = 0, prevButtons = {};

  function set(state, message = '') {
    api.state = state;
    api.message = message;
    button.textContent = state === 'presenting' ? 'Exit VR' : 'Enter VR';
    button.disabled = state === 'starting';
  }

  async function detect() {
    if (!navigator.xr || !window.WebGL2RenderingContext) return;
    let ok = false;
    try { ok = await navigator.xr.isSessionSupported('immersive-vr'); } catch { /* policy */ }
    if (!ok) return;
    button.hidden = false;
    set('ready');
  }

  /** Must run synchronously from the click: the browser needs the user gesture. */
  function enter(fromClick) {
    if (session) { session.end().catch(() => {}); return Promise.resolve(); }
    if (api.state !== 'ready' && api.state !== 'refused' && api.state !== 'error') return Promise.resolve();
    if (!fromClick || (navigator.userActivation && !navigator.userActivation.isActive)) {
      set('refused', GESTURE_MSG);
      notify('Cannot enter VR', GESTURE_MSG);
      return Promise.resolve();
    }
    set('starting');
    // requestSession first (while the gesture is live), WebGL set-up after.
    const req = navigator.xr.requestSession('immersive-vr', { optionalFeatures: ['local-floor'] });
    return req.then(start, (e) => {
      const why = e && (e.name === 'SecurityError' || e.name === 'NotAllowedError') ? GESTURE_MSG : `The browser refused VR: ${e && e.message || e}`;
      set(e && (e.name === 'SecurityError' || e.name === 'NotAllowedError') ? 'refused' : 'error', why);
      notify('Cannot enter VR', why);
    });
  }

  async function start(s) {
    session = s;
    try {
      if (!gl) {
        const canvas = document.createElement('canvas');
        gl = canvas.getContext('webgl2', { xrCompatible: true, alpha: false, antialias: false, depth: false });
        if (!gl) throw new Error('WebGL2 is not available');
        renderer = new XrStereoRenderer(gl);
        overlay = new XrOverlay(gl);
      } else {
        await gl.makeXRCompatible();
      }
      await s.updateRenderState({ baseLayer: new XRWebGLLayer(s, gl, { antialias: false, depth: false }) });
      refSpace = await s.requestReferenceSpace('local-floor').catch(() => s.requestReferenceSpace('local'));
    } catch (e) {
      s.end().catch(() => {});
      set('error', 'VR could not start: ' + e.message);
      notify('Cannot enter VR', api.message);
      return;
    }
    anchor = null;
    s.addEventListener('end', () => {
      session = null;
      set('ready');
      readbackWaiters.splice(0).forEach((w) => w.resolve(null));
    });
    set('presenting');
    notify('');
    s.requestAnimationFrame(onFrame);
  }

  function handleInput(s, dt) {
    const sticks = {};
    let toggled = false;
    for (const src of s.inputSources) {
      const gp = src.gamepad;
      if (!gp) continue;
      if (gp.axes.length >= 4) sticks[src.handedness] = [gp.axes[2], gp.axes[3]];
      const pressed = gp.buttons.map((b) => b.pressed);
      const was = prevButtons[src.handedness] || [];
      // A / X (button 4): head-locked ↔ world-locked. B / Y (button 5): telemetry overlay.
      if (pressed[4] && !was[4]) { api.settings.headLocked = !api.settings.headLocked; anchor = null; toggled = true; }
      if (pressed[5] && !was[5]) telemetry.toggle();
      prevButtons[src.handedness] = pressed;
    }
    if (applySticks(api.settings, sticks, dt) || toggled) {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => saveSettings(api.settings), 500); // never in the frame loop
    }
  }

  function onFrame(time, frame) {
    const s = frame.session;
    s.requestAnimationFrame(onFrame);
    const dt = lastTime ? Math.min(0.1, (time - lastTime) / 1000) : 0;
    lastTime = time;
    const pose = frame.getViewerPose(refSpace);
    if (!pose) return;
    handleInput(s, dt);
    const p = pairer();
    if (p) p.update(); // the newest complete left/right pair
    renderer.upload(p ? p.views : []);
    const head = pose.transform.matrix;
    if (api.settings.headLocked) anchor = null;
    else if (!anchor) anchor = yawOnly(head);
    if (telemetry.visible) overlay.update(telemetry.text, telemetry.version);
    const drawn = renderer.draw(s.renderState.baseLayer, pose.views, anchor || head, api.settings, sideBySide(),
      { overlay: telemetry.visible ? overlay : null, head });
    api.frames++;
    if (readbackWaiters.length) {
      const r = renderer.readback(drawn);
      readbackWaiters.splice(0).forEach((w) => w.resolve(r));
    }
  }

  /** Test/diagnostic hook: per-view readback of the next XR frame. */
  api.readback = () => new Promise((resolve) => { if (!session) resolve(null); else readbackWaiters.push({ resolve }); });
  api.uploads = () => (renderer ? renderer.uploads.slice() : [0, 0]);
  api.exit = () => session && session.end();

  button.addEventListener('click', () => { enter(true); });
  return { detect, enter };
}
