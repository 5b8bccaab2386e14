// 2D viewer: draws the received eye tracks side by side into ONE canvas.
//
// Frames come from MediaStreamTrackProcessor when the browser has it (Chromium, Quest Browser):
// each decoded VideoFrame is queued with its RTP timestamp until pairing.js presents it (or a
// newer one) in the next animation frame — no <video> element, so nothing waits for the video
// compositor. Otherwise a <video> per track, kept in the DOM but invisible (two visible, updating
// <video> elements make Chromium lower the window's compositing rate), stamped from
// requestVideoFrameCallback metadata. Either way the canvas is the only thing on screen.

const MAX_PENDING = 8; // frames queued for pairing.js; more means nobody is drawing

/** Queue shared by both source kinds: decoded frames waiting to be presented (pairing.js). */
class PendingQueue {
  constructor() {
    this.pending = [];
    this.version = 0; // frames received
  }
  push(entry) {
    this.pending.push(entry);
    this.version++;
    this.lastArrivedAt = entry.arrivedAt;
    while (this.pending.length > MAX_PENDING) this.pending.shift().close();
  }
  /** Removes `entry` (now presented, closed by its new owner) and closes older ones. */
  take(entry) {
    const i = this.pending.indexOf(entry);
    if (i < 0) return;
    this.pending.splice(0, i + 1).slice(0, i).forEach((e) => e.close());
  }
  clear() { this.pending.splice(0).forEach((e) => e.close()); }
}

/** Frame source backed by MediaStreamTrackProcessor: each decoded VideoFrame is queued. */
class ProcessorSource extends PendingQueue {
  constructor(track) {
    super();
    this.kind = 'processor';
    this.stopped = false;
    const proc = new MediaStreamTrackProcessor({ track, maxBufferSize: 2 });
    this.reader = proc.readable.getReader();
    this.pump();
  }
  async pump() {
    while (!this.stopped) {
      let r;
      try { r = await this.reader.read(); } catch { break; }
      if (r.done) break;
      const f = r.value;
      if (this.stopped) { f.close(); break; }
      // WebRTC frames carry rtpTimestamp (and captureTime with abs-capture-time) as metadata.
      let md = {};
      try { md = (f.metadata && f.metadata()) || {}; } catch { /* older browser */ }
      this.push({ drawable: f, width: f.displayWidth, height: f.displayHeight, arrivedAt: performance.now(),
        stamp: { rtp: md.rtpTimestamp, capture: md.captureTime }, close: () => f.close() });
    }
  }
  close() {
    this.stopped = true;
    this.reader.cancel().catch(() => {});
    this.clear();
  }
}

/**
 * Frame source backed by an invisible <video> and requestVideoFrameCallback: a <video> holds one
 * frame, so at most one entry is queued, stamped from the callback's metadata.
 */
class VideoSource extends PendingQueue {
  constructor(track, parent) {
    super();
    this.kind = 'video';
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.autoplay = true;
    v.className = 'offscreen-video';
    v.srcObject = new MediaStream([track]);
    parent.appendChild(v);
    this.video = v;
    v.play().catch(() => {});
    const entry = (md) => ({ drawable: v, width: v.videoWidth, height: v.videoHeight, arrivedAt: performance.now(),
      stamp: { rtp: md && md.rtpTimestamp, capture: md && md.captureTime }, close() {} });
    if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
      const cb = (now, md) => {
        if (!this.video) return;
        this.pending.splice(0);
        this.push(entry(md));
        v.requestVideoFrameCallback(cb);
      };
      v.requestVideoFrameCallback(cb);
    } else {
      // No rVFC: offer the video's current picture every 1/30 s once playing (no pairing).
      this.timer = setInterval(() => { if (v.readyState >= 2) { this.pending.splice(0); this.push(entry(null)); } }, 33);
    }
  }
  close() {
    clearInterval(this.timer);
    this.pending.splice(0);
    if (!this.video) return;
    this.video.srcObject = null;
    this.video.remove();
    this.video = null;
  }
}

export function createFrameSource(track, { parent = document.body, prefer = 'auto' } = {}) {
  const canProcess = typeof MediaStreamTrackProcessor === 'function' && typeof VideoFrame === 'function';
  if (prefer !== 'video' && canProcess) return new ProcessorSource(track);
  return new VideoSource(track, parent);
}

/**
 * Draws the presented left (sources[0]) and right (sources[1]) frames next to each other at
 * their native size into `canvas` (CSS scales the canvas to the window). A single side-by-side
 * source is drawn as is. `sources` are pairing.js views; `update` (the pairer's) picks what they
 * show and runs first in every animation frame.
 */
export class SideBySideRenderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false, desynchronized: true });
    this.sources = [];
    this.update = null;
    this.seen = [];
    this.counts = [];
    this.fps = [];
    this.raf = 0;
    this.fpsTimer = 0;
  }

  setSources(sources, update = null) {
    this.sources = sources;
    this.update = update;
    this.seen = sources.map(() => -1);
    this.counts = sources.map(() => 0);
    this.fps = sources.map(() => 0);
  }

  start() {
    const tick = () => {
      this.raf = requestAnimationFrame(tick);
      this.draw();
    };
    this.raf = requestAnimationFrame(tick);
    let last = performance.now();
    this.fpsTimer = setInterval(() => {
      const now = performance.now();
      this.fps = this.counts.map((n) => Math.round((n * 1000) / (now - last)));
      this.counts = this.counts.map(() => 0);
      last = now;
    }, 1000);
  }

  draw() {
    const src = this.sources;
    if (!src.length) return;
    if (this.update) this.update();
    let changed = false;
    src.forEach((s, i) => {
      if (s.version !== this.seen[i]) {
        this.counts[i]++;
        this.seen[i] = s.version;
        changed = true;
      }
    });
    if (!changed) return;
    const w = src.reduce((sum, s) => sum + s.width, 0);
    const h = Math.max(...src.map((s) => s.height));
    if (!w || !h) return;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    let x = 0;
    for (const s of src) {
      const img = s.drawable;
      if (img && s.width) this.ctx.drawImage(img, x, 0, s.width, s.height);
      x += s.width;
    }
  }

  /** Per-eye {width, height, fps, frames} for the status line. */
  info() {
    return this.sources.map((s, i) => ({ width: s.width, height: s.height, fps: this.fps[i] || 0, frames: s.version, kind: s.kind }));
  }

  stop() {
    cancelAnimationFrame(this.raf);
    clearInterval(this.fpsTimer);
    this.sources = [];
  }
}
