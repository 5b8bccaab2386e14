// 2D viewer: draws the received eye tracks side by side into ONE canvas.
//
// Frames come from MediaStreamTrackProcessor when the browser has it (Chromium, Quest Browser):
// each decoded VideoFrame is kept until the next one replaces it and drawn in the next animation
// frame — no <video> element, so nothing waits for the video compositor. Otherwise a <video> per
// track, kept in the DOM but invisible (two visible, updating <video> elements make Chromium lower
// the window's compositing rate), with requestVideoFrameCallback telling us when a new frame is
// there. Either way the canvas is the only thing on screen.

/** Latest-frame source backed by MediaStreamTrackProcessor. */
class ProcessorSource {
  constructor(track) {
    this.kind = 'processor';
    this.frame = null;
    this.version = 0;
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
      if (this.stopped) { r.value.close(); break; }
      if (this.frame) this.frame.close();
      this.frame = r.value;
      this.version++;
    }
  }
  get drawable() { return this.frame; }
  get width() { return this.frame ? this.frame.displayWidth : 0; }
  get height() { return this.frame ? this.frame.displayHeight : 0; }
  close() {
    this.stopped = true;
    this.reader.cancel().catch(() => {});
    if (this.frame) { this.frame.close(); this.frame = null; }
  }
}

/** Latest-frame source backed by an invisible <video> and requestVideoFrameCallback. */
class VideoSource {
  constructor(track, parent) {
    this.kind = 'video';
    this.version = 0;
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.autoplay = true;
    v.className = 'offscreen-video';
    v.srcObject = new MediaStream([track]);
    parent.appendChild(v);
    this.video = v;
    v.play().catch(() => {});
    if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
      const cb = () => { this.version++; if (this.video) v.requestVideoFrameCallback(cb); };
      v.requestVideoFrameCallback(cb);
    } else {
      this.polling = true; // no rVFC: redraw every animation frame once playing
    }
  }
  get drawable() { return this.video && this.video.readyState >= 2 ? this.video : null; }
  get width() { return this.video ? this.video.videoWidth : 0; }
  get height() { return this.video ? this.video.videoHeight : 0; }
  close() {
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
 * Draws sources[0] (left eye) and sources[1] (right eye) next to each other at their native
 * size into `canvas` (CSS scales the canvas to the window). A single side-by-side source is
 * drawn as is.
 */
/** Date.now() minus the probe stamp drawn at canvas x0 for a frame w pixels wide; null if none decodes. */
function decodeProbeAge(ctx, x0, w) {
  const c = w >= 1024 ? 16 : Math.floor(w / 64);
  if (c < 4 || !ctx.canvas.height) return null;
  let px;
  try { px = ctx.getImageData(x0, 0, 64 * c, c).data; } catch { return null; }
  let bits = 0n;
  const half = Math.floor(c / 2);
  for (let i = 0; i < 64; i++) {
    let sum = 0;
    for (let y = half - 2; y < half + 2; y++) {
      for (let x = c * i + half - 2; x < c * i + half + 2; x++) {
        const k = (y * 64 * c + x) * 4;
        sum += 0.299 * px[k] + 0.587 * px[k + 1] + 0.114 * px[k + 2];
      }
    }
    bits = (bits << 1n) | (sum / 16 >= 128 ? 1n : 0n);
  }
  const ts = Number(bits >> 16n), eyeId = Number((bits >> 8n) & 0xffn), chk = Number(bits & 0xffn);
  let x = eyeId;
  for (let i = 0; i < 6; i++) x ^= Math.floor(ts / 2 ** (8 * i)) & 0xff;
  return x === chk && ts > 0 ? Date.now() - ts : null;
}

export class SideBySideRenderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false, desynchronized: true });
    this.sources = [];
    this.seen = [];
    this.counts = [];
    this.fps = [];
    this.raf = 0;
    this.fpsTimer = 0;
  }

  setSources(sources) {
    this.sources = sources;
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
    let changed = false;
    src.forEach((s, i) => {
      if (s.version !== this.seen[i] || s.polling) {
        if (s.version !== this.seen[i]) this.counts[i]++;
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

  /**
   * Per track, how old the frame on screen is by its latency-probe stamp (PROBE.md): Date.now()
   * minus the capture time read from the drawn pixels, in ms (an overestimate by at most the time
   * the frame has been on screen); null when no stamp decodes. A side-by-side track (one source
   * holding both eyes) is read from its left half.
   */
  probeAges() {
    let x0 = 0;
    return this.sources.map((s) => {
      const x = x0;
      x0 += s.width;
      return decodeProbeAge(this.ctx, x, this.sources.length === 1 ? Math.floor(s.width / 2) : s.width);
    });
  }

  /** Per-eye {width, height, fps, frames} for the status line. */
  info() {
    return this.sources.map((s, i) => ({ width: s.width, height: s.height, fps: this.fps[i] || 0, frames: s.version, kind: s.kind }));
  }

  stop() {
    cancelAnimationFrame(this.raf);
    clearInterval(this.fpsTimer);
    this.sources.forEach((s) => s.close());
    this.sources = [];
  }
}
