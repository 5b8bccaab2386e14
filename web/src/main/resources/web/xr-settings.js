// The VR screen's geometry, adjusted with the thumbsticks and kept in localStorage.

const KEY = 'stereo.xr.settings';
export const DEFAULTS = Object.freeze({
  distance: 2.0, // metres from the eyes to the screen
  width: 2.4, // screen width in metres (height follows the video's aspect ratio)
  convergence: 0.0, // metres: left eye's image moves right by half, right eye's left by half
  headLocked: true, // true: the screen follows the head; false: it stays where it was placed
});
const LIMITS = { distance: [0.5, 10], width: [0.3, 12], convergence: [-0.3, 0.3] };

export function loadSettings(storage = globalThis.localStorage) {
  let saved = {};
  try { saved = JSON.parse(storage.getItem(KEY) || '{}') || {}; } catch { /* corrupt or no storage */ }
  const s = { ...DEFAULTS };
  for (const k of Object.keys(DEFAULTS)) if (typeof saved[k] === typeof DEFAULTS[k]) s[k] = saved[k];
  for (const [k, [lo, hi]] of Object.entries(LIMITS)) s[k] = Math.min(hi, Math.max(lo, s[k]));
  return s;
}

export function saveSettings(s, storage = globalThis.localStorage) {
  try { storage.setItem(KEY, JSON.stringify(s)); } catch { /* private mode: keep in memory */ }
}

/**
 * Applies controller input for one frame (dt seconds). Right stick: up/down = distance,
 * left/right = size. Left stick left/right = convergence. Returns true if something changed.
 */
export function applySticks(s, sticks, dt) {
  const dead = (v) => (Math.abs(v) < 0.2 ? 0 : v);
  const before = JSON.stringify(s);
  const r = sticks.right, l = sticks.left;
  if (r) {
    s.distance *= Math.exp(dead(r[1]) * dt * 0.8); // push forward (negative y) brings it closer
    s.width *= Math.exp(dead(r[0]) * dt * 0.8);
  }
  if (l) s.convergence += dead(l[0]) * dt * 0.05;
  for (const [k, [lo, hi]] of Object.entries(LIMITS)) s[k] = Math.min(hi, Math.max(lo, s[k]));
  return JSON.stringify(s) !== before;
}
