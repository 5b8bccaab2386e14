// Per-eye receive statistics from RTCPeerConnection.getStats(): shown in the overlay (key T, the
// Stats button, or B/Y on a controller in VR, where xr-overlay.js draws the same lines) and POSTed
// as a summary to /api/client-stats every few seconds.

const POST_EVERY_MS = 5000;

export class Telemetry {
  /** @param {{overlay: HTMLElement, token: () => string|null}} o */
  constructor({ overlay, token }) {
    this.overlay = overlay;
    this.token = token;
    this.pc = null;
    this.prev = new Map();
    this.eyes = [];
    this.extra = () => ({});
    this.postEnabled = true;
    this.lastPost = 0;
    this.postStatus = null;
    this.version = 0; // bumps whenever the lines change (the XR overlay re-uploads then)
    this.text = '';
    this.timer = setInterval(() => this.sample().catch(() => {}), 1000);
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {() => object} extra more summary fields (pairing, XR state)
   * @param {() => Array<{latencyMs: number}|null>} probe per-eye probe latency of the shown frames
   */
  attach(pc, extra, probe) { this.pc = pc; this.prev.clear(); this.eyes = []; this.extra = extra || (() => ({})); this.probe = probe || (() => []); }
  detach() { this.pc = null; this.eyes = []; this.render(); }
  toggle() { this.overlay.hidden = !this.overlay.hidden; this.render(); }
  get visible() { return !this.overlay.hidden; }

  async sample() {
    const pc = this.pc;
    if (!pc) return;
    const report = await pc.getStats();
    const mids = pc.getTransceivers().map((t) => t.mid);
    const eyes = [];
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      const idx = Math.max(0, mids.indexOf(s.mid));
      const p = this.prev.get(s.id);
      const dt = p ? (s.timestamp - p.timestamp) / 1000 : 0;
      eyes[idx] = {
        eye: mids.length === 1 ? 'side-by-side' : idx === 0 ? 'left' : 'right',
        fps: p && dt > 0 ? Math.round(((s.framesDecoded - p.framesDecoded) / dt) * 10) / 10 : null,
        bitrateKbps: p && dt > 0 ? Math.round(((s.bytesReceived - p.bytesReceived) * 8) / dt / 1000) : null,
        jitterBufferMs: s.jitterBufferEmittedCount ? Math.round((s.jitterBufferDelay / s.jitterBufferEmittedCount) * 10000) / 10 : null,
        decodeMs: s.framesDecoded ? Math.round((s.totalDecodeTime / s.framesDecoded) * 10000) / 10 : null,
        packetsLost: s.packetsLost ?? 0,
        framesDropped: s.framesDropped ?? 0,
        framesDecoded: s.framesDecoded ?? 0,
        width: s.frameWidth ?? null,
        height: s.frameHeight ?? null,
      };
      this.prev.set(s.id, s);
    });
    this.eyes = eyes.filter(Boolean);
    // Probe latency per eye (side-by-side: both halves of the one track).
    const probes = this.probe();
    if (this.eyes.length === 1 && probes.length === 2) {
      if (probes[0] || probes[1]) this.eyes[0].probeLatencyMs = probes.map((p) => (p ? p.latencyMs : null));
    } else {
      this.eyes.forEach((e, i) => { if (probes[i]) e.probeLatencyMs = probes[i].latencyMs; });
    }
    // The server's client-latency gauge reads one number per eye: `latencyMs`.
    this.eyes.forEach((e) => { e.latencyMs = [].concat(e.probeLatencyMs ?? []).find((v) => v != null) ?? null; });
    this.render();
    if (this.postEnabled && Date.now() - this.lastPost >= POST_EVERY_MS && this.eyes.length) {
      this.lastPost = Date.now();
      this.post();
    }
  }

  summary() {
    return { at: new Date().toISOString(), userAgent: navigator.userAgent, eyes: this.eyes, ...this.extra() };
  }

  async post() {
    const headers = { 'Content-Type': 'application/json' };
    const t = this.token();
    if (t) headers.Authorization = `Bearer ${t}`;
    try {
      const r = await fetch('/api/client-stats', { method: 'POST', headers, body: JSON.stringify(this.summary()), cache: 'no-store' });
      this.postStatus = r.status;
      if (r.status === 404 || r.status === 405) this.postEnabled = false; // this server does not collect them
    } catch { this.postStatus = 'unreachable'; }
  }

  /** The overlay's text lines (2D overlay and XR overlay). */
  lines() {
    const f = (v, unit = '') => (v == null ? '–' : v + unit);
    const probe = (e) => (e.probeLatencyMs == null ? '' : `  probe ${[].concat(e.probeLatencyMs).map((v) => f(v, ' ms')).join(' | ')}`);
    const lines = this.eyes.map((e) => `${e.eye.padEnd(12)} ${f(e.fps, ' fps').padStart(9)}  ${f(e.bitrateKbps, ' kbit/s').padStart(12)}  jb ${f(e.jitterBufferMs, ' ms')}  dec ${f(e.decodeMs, ' ms')}  lost ${e.packetsLost}  dropped ${e.framesDropped}${probe(e)}`);
    const x = this.extra();
    if (x.pairing) lines.push(`stereo pairs ${x.pairing.paired}  unpaired frames ${x.pairing.unpaired}  (by ${x.pairing.mode})`);
    if (x.xr) lines.push(`XR: ${x.xr.state}, ${x.xr.frames} frames`);
    lines.push(`report → /api/client-stats: ${this.postEnabled ? f(this.postStatus) : 'not collected by this server'}`);
    return lines;
  }

  render() {
    const text = this.lines().join('\n');
    if (text !== this.text) { this.text = text; this.version++; }
    if (!this.overlay.hidden) this.overlay.textContent = text;
  }
}
