// Unit tests of the web client's pure logic (node --test; run by WebClientLogicTest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StereoPairer, rtpDiff } from '../../main/resources/web/pairing.js';

/** A frame source as pairing.js sees it (render2d.js PendingQueue without the browser). */
function source() {
  return {
    kind: 'fake',
    pending: [],
    push(rtp, arrivedAt) {
      const e = { rtp, drawable: {}, width: 640, height: 360, arrivedAt, stamp: { rtp }, closed: false, close() { this.closed = true; } };
      this.pending.push(e);
      this.lastArrivedAt = arrivedAt;
      return e;
    },
    take(entry) {
      const i = this.pending.indexOf(entry);
      this.pending.splice(0, i + 1).slice(0, i).forEach((e) => e.close());
    },
  };
}

const shown = (p) => p.views.map((v) => v.entry && v.entry.rtp);

test('presents the newest pair with equal RTP timestamps, never a left and right of two instants', () => {
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  L.push(1000, 0); L.push(4000, 1); R.push(1000, 2);
  p.update(3);
  assert.deepEqual(shown(p), [1000, 1000]);
  R.push(4000, 4);
  p.update(5);
  assert.deepEqual(shown(p), [4000, 4000]);
  assert.deepEqual(p.stats(), { mode: 'rtp', paired: 2, unpaired: 0, exact: true });
});

test('a frame whose partner is overdue is shown alone and counted unpaired; older frames are closed', () => {
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  L.push(0, 0); R.push(0, 0);
  p.update(1);
  const old = L.push(1000, 2);
  L.push(4000, 10);
  p.update(50);
  assert.deepEqual(shown(p), [0, 0], 'waits for the partner first');
  p.update(10 + 101);
  assert.deepEqual(shown(p), [4000, 0]);
  assert.equal(p.stats().unpaired, 1);
  assert.ok(old.closed, 'the skipped older frame is released');
});

test('near but unequal stamps are not paired while the sender stamps pairs exactly', () => {
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  let t = 0;
  for (let i = 0; i < 20; i++) { L.push(i * 3000, t); R.push(i * 3000, t); p.update(t); t += 33; }
  assert.equal(p.stats().paired, 20);
  // A catch-up tick 1000 ticks (11 ms) after the last one; the left eye dropped the frame before.
  L.push(61000, t); R.push(60000, t);
  p.update(t + 1);
  assert.deepEqual(shown(p), [57000, 57000], 'neighbours of two instants are not a pair');
  p.update(t + 150);
  assert.equal(p.stats().unpaired, 2);
  assert.equal(p.stats().exact, true);
});

test('free-running cameras (never equal stamps) are paired within half a frame after a few frames', () => {
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  let t = 0;
  for (let i = 0; i < 10; i++) { L.push(i * 3000, t); R.push(i * 3000 + 700, t); p.update(t); p.update(t + 120); t += 150; }
  assert.equal(p.stats().exact, false);
  L.push(100000, t); R.push(100400, t);
  p.update(t);
  assert.deepEqual(shown(p), [100000, 100400]);
});

test('an eye that sends nothing is not waited for: the other eye shows at once (no added latency)', () => {
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  L.push(3000, 1000);
  p.update(1001);
  assert.deepEqual(shown(p), [3000, null]);
  R.push(9000, 1002); // the right eye comes back: waited for again
  L.push(6000, 1003);
  p.update(1004);
  assert.deepEqual(shown(p), [3000, null]);
});

test('RTP timestamps compare across the 32-bit wrap', () => {
  assert.equal(rtpDiff(5, 0xfffffffb), 10);
  assert.equal(rtpDiff(0xfffffffb, 5), -10);
  const L = source(), R = source();
  const p = new StereoPairer([L, R]);
  L.push(0xfffff000, 0); L.push(0x00000400, 1); R.push(0x00000400, 1);
  p.update(2);
  assert.deepEqual(shown(p), [0x400, 0x400]);
});

test('a single side-by-side track is shown frame by frame', () => {
  const S = source();
  const p = new StereoPairer([S]);
  S.push(1, 0); S.push(2, 1);
  p.update(2);
  assert.deepEqual(shown(p), [2]);
  assert.equal(p.stats().mode, 'single');
});

test('probe words (PROBE.md): capture time, eye id and checksum', async () => {
  const { parseWord, cellSize } = await import('../../main/resources/web/probe.js');
  const ts = 1795328218928, eye = 1;
  let chk = eye;
  for (let i = 0; i < 6; i++) chk ^= Math.floor(ts / 2 ** (8 * i)) & 0xff;
  const word = (BigInt(ts) << 16n) | (BigInt(eye) << 8n) | BigInt(chk);
  assert.deepEqual(parseWord(word), { ts, eye, ok: true });
  assert.equal(parseWord(word ^ 1n).ok, false);
  assert.equal(cellSize(640), 10);
  assert.equal(cellSize(2560), 16);
  assert.equal(cellSize(200), 0);
});
