import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS, applySticks, loadSettings, saveSettings } from '../../main/resources/web/xr-settings.js';

function storage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)) };
}

test('right stick forward brings the screen closer, left stick right converges; both within limits', () => {
  const s = { ...DEFAULTS };
  assert.equal(applySticks(s, { right: [0, -1], left: [1, 0] }, 0.5), true);
  assert.ok(s.distance < DEFAULTS.distance && s.convergence > 0);
  for (let i = 0; i < 200; i++) applySticks(s, { right: [0, -1], left: [1, 0] }, 0.1);
  assert.equal(s.distance, 0.5);
  assert.equal(s.convergence, 0.3);
});

test('a resting stick (dead zone) changes nothing', () => {
  const s = { ...DEFAULTS };
  assert.equal(applySticks(s, { right: [0.1, -0.15], left: [0.1, 0] }, 0.5), false);
  assert.deepEqual(s, { ...DEFAULTS });
});

test('settings round-trip through storage; corrupt or out-of-range values fall back', () => {
  const st = storage();
  saveSettings({ ...DEFAULTS, distance: 1.25, headLocked: false }, st);
  assert.deepEqual(loadSettings(st), { ...DEFAULTS, distance: 1.25, headLocked: false });
  st.setItem('stereo.xr.settings', '{"distance": 99, "width": "big"');
  assert.deepEqual(loadSettings(st), { ...DEFAULTS });
  st.setItem('stereo.xr.settings', '{"distance": 99, "width": "big"}');
  assert.deepEqual(loadSettings(st), { ...DEFAULTS, distance: 10 });
});
