// Stereo pairing: the left frame of one capture instant is never shown with the right frame of
// another while both are there. Each source queues its decoded frames with the frame's RTP
// timestamp (both tracks of a viewer share one timestamp base on the server) or, failing that,
// its capture time; every animation frame we present the newest left/right pair whose
// timestamps match. A frame whose partner has not come within WAIT_MS is shown on its own and
// counted as unpaired (a lost or late frame must not freeze the other eye).
//
// "Match": equal timestamps when the sender stamps both eyes from one instant (test source,
// synchronised cameras); within half a frame when it cannot (two free-running sensors). Which
// one applies is learnt: until near pairs have been seen a few times and outnumber a quarter of
// the equal ones, only equal ones count, so a source that skipped a frame on one eye never gets
// its neighbours shown as a pair.

import { readProbe } from './probe.js';

const WAIT_MS = 100; // ~3 frames at 30 fps: a partner later than that is not coming
const SILENT_MS = 500; // an eye with no frame for this long is not waited for at all
const RTP_HZ = 90000;

/** Signed distance a − b of two 32-bit RTP timestamps (wrap-around safe). */
export function rtpDiff(a, b) {
  return (a - b) | 0;
}

/** What one eye currently shows; renderers read it like a frame source. */
class PresentedEye {
  constructor(kind) {
    this.kind = kind;
    this.entry = null;
    this.version = 0;
  }
  show(entry) {
    if (this.entry && this.entry !== entry) this.entry.close();
    this.entry = entry;
    this.version++;
    this.shownAt = Date.now();
  }
  get drawable() { return this.entry ? this.entry.drawable : null; }
  get width() { return this.entry ? this.entry.width : 0; }
  get height() { return this.entry ? this.entry.height : 0; }
  get stamp() { return this.entry ? this.entry.stamp : null; }
  close() { if (this.entry) this.entry.close(); this.entry = null; }
}

export class StereoPairer {
  /**
   * @param {object[]} sources frame sources (render2d.js): each has `pending` (queued entries
   *   {drawable, width, height, stamp: {rtp, capture}, arrivedAt, close()}, newest last) and
   *   `take(entry)` (removes that entry and closes the older ones), `lastArrivedAt` (ms).
   */
  constructor(sources, { waitMs = WAIT_MS } = {}) {
    this.sources = sources;
    this.waitMs = waitMs;
    this.views = sources.map((s) => new PresentedEye(s.kind));
    this.paired = 0;
    this.unpaired = 0;
    this.exact = 0; // pairs with equal timestamps seen
    this.near = 0; // candidate pairs only within half a frame
    this.mode = sources.length === 2 ? 'waiting' : 'single';
    this.frameTicks = RTP_HZ / 30; // estimated from the left track's timestamps
    this.log = []; // last presentations, for tests: {rtp: [l, r], capture: [l, r], paired}
  }

  /** Which clock pairs frames: 'rtp' if both eyes have RTP timestamps, else 'capture', else 'none'. */
  key(entry) {
    const st = entry.stamp || {};
    if (this.mode === 'rtp') return st.rtp;
    if (this.mode === 'capture') return st.capture;
    return undefined;
  }

  /** 0 if the two entries carry equal timestamps, 1 if within half a frame, else -1. */
  match(l, r) {
    const a = this.key(l), b = this.key(r);
    if (a == null || b == null) return -1;
    const d = Math.abs(this.mode === 'rtp' ? rtpDiff(a, b) : a - b);
    const half = this.mode === 'rtp' ? this.frameTicks / 2 : ((this.frameTicks / RTP_HZ) * 1000) / 2;
    return d === 0 ? 0 : d < half ? 1 : -1;
  }

  /** True once frames within half a frame (never equal) are how this sender's pairs look. */
  tolerant() { return this.near >= 3 && this.near * 4 > this.exact; }

  /** Newest [i, j] of l × r with match(l[i], r[j]) === want, or null. */
  newest(l, r, want) {
    for (let i = l.length - 1; i >= 0; i--) {
      for (let j = r.length - 1; j >= 0; j--) if (this.match(l[i], r[j]) === want) return [i, j];
    }
    return null;
  }

  chooseMode(l, r) {
    const has = (q, f) => q.length && q[q.length - 1].stamp && q[q.length - 1].stamp[f] != null;
    if (has(l, 'rtp') && has(r, 'rtp')) this.mode = 'rtp';
    else if (has(l, 'capture') && has(r, 'capture')) this.mode = 'capture';
    else if (l.length && r.length) this.mode = 'none';
  }

  learnFrameInterval(queue) {
    if (this.mode !== 'rtp' || queue.length < 2) return;
    const d = rtpDiff(queue[queue.length - 1].stamp.rtp, queue[queue.length - 2].stamp.rtp);
    if (d > 0 && d < RTP_HZ) this.frameTicks = 0.8 * this.frameTicks + 0.2 * d;
  }

  /** Picks what each eye shows now. Cheap; call once per animation frame (2D or XR). */
  update(nowMs = performance.now()) {
    if (this.sources.length !== 2) {
      this.sources.forEach((s, i) => {
        const q = s.pending;
        if (q.length) { const e = q[q.length - 1]; s.take(e); this.views[i].show(e); }
      });
      return;
    }
    const [L, R] = this.sources;
    const l = L.pending, r = R.pending;
    if (!l.length && !r.length) return;
    if (this.mode === 'waiting' || this.mode === 'none') this.chooseMode(l, r);
    this.learnFrameInterval(l);
    if (this.mode !== 'none') {
      // Newest complete pair first.
      const eq = this.newest(l, r, 0);
      if (eq) { this.exact++; this.present(l[eq[0]], r[eq[1]], true); return; }
      const nr = this.newest(l, r, 1);
      if (nr) {
        const le = l[nr[0]];
        if (!le.nearSeen) { le.nearSeen = true; this.near++; }
        if (this.tolerant()) { this.present(le, r[nr[1]], true); return; }
      }
    }
    // No pair. Show a frame alone only once its partner is overdue (or pairing is impossible).
    const silent = (S) => !(S.lastArrivedAt > nowMs - SILENT_MS); // e.g. one camera is down
    const overdue = (q, other) => q.length && (this.mode === 'none' || silent(other) || nowMs - q[q.length - 1].arrivedAt > this.waitMs);
    const lo = overdue(l, R), ro = overdue(r, L);
    if (lo || ro) this.present(lo ? l[l.length - 1] : null, ro ? r[r.length - 1] : null, false);
  }

  present(le, re, paired) {
    const [L, R] = this.sources;
    if (le) { L.take(le); this.views[0].show(le); }
    if (re) { R.take(re); this.views[1].show(re); }
    if (paired) this.paired++;
    else this.unpaired += (le ? 1 : 0) + (re ? 1 : 0);
    const st = (e) => (e && e.stamp) || {};
    this.log.push({ rtp: [st(le).rtp, st(re).rtp], capture: [st(le).capture, st(re).capture], paired });
    if (this.log.length > 600) this.log.splice(0, 300);
  }

  /** {mode, paired, unpaired, exact}: pairs shown, frames shown without their partner, equal-stamp matching. */
  stats() {
    return { mode: this.mode, paired: this.paired, unpaired: this.unpaired, exact: !this.tolerant() };
  }

  /**
   * Latency probe of what each eye shows now (test source only): per eye {eyeId, latencyMs}
   * (capture → handed to the renderer), or null where the frame carries no probe.
   */
  probeLatency() {
    const halves = this.views.length === 1
      ? [[this.views[0], 0, this.views[0].width / 2], [this.views[0], this.views[0].width / 2, this.views[0].width / 2]]
      : this.views.map((v) => [v, 0, v.width]);
    return halves.map(([v, x0, w]) => {
      const p = v.entry ? readProbe(v.drawable, x0, w) : null;
      return p ? { eyeId: p.eye, latencyMs: v.shownAt - p.ts } : null;
    });
  }

  close() { this.views.forEach((v) => v.close()); }
}
