/*
 * In-page measurement code for the stereo e2e harness (test code, never shipped in the product).
 * Injected as a classic script into a page on the server's origin (viewer.mjs) or into a
 * throwaway page (selftest.mjs). Defines globalThis.StereoProbe and globalThis.StereoMeasure.
 *
 * Frame timing — how a "frame" is observed and when its latency sample is taken:
 *
 *   timing = "mstp" (default): a MediaStreamTrackProcessor per received track. Every frame the
 *     WebRTC decoder hands to the track is read as a VideoFrame; Date.now() is taken as soon as
 *     the read resolves, the probe band (top c rows) is copied out with VideoFrame.copyTo (Y plane
 *     of I420/NV12; RGB formats converted with the PROBE.md weights) and the frame is closed at
 *     once. It needs no <video> element, so nothing depends on the compositor: in this headless
 *     Chromium it sees every decoded frame of both tracks at the full rate, independent of how
 *     many tracks one window carries. Latency = decoder output ("frame ready to be drawn"), which
 *     is the earliest point a renderer (WebGL texture upload, XR layer) can use the frame.
 *
 *   timing = "rvfc": one <video> per track and requestVideoFrameCallback; the probe is read from
 *     `new VideoFrame(video)` inside the callback and Date.now() is taken in the callback. This is
 *     "presented by the compositor", but TESTING.md's warning applies: with two <video> elements
 *     updating in one window Chromium lowers the window's compositing rate and callbacks go
 *     missing (reported as rvfcMissed, from metadata.presentedFrames). Kept as an option for
 *     single-track runs and for cross-checking the mstp numbers.
 *
 * See selftest.mjs for the measured difference between the two on this machine.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- PROBE.md, version 1
  const StereoProbe = {
    /** Cell size for a frame (or side-by-side half) of the given width; 0 if it cannot carry one. */
    cellSize(width) {
      if (width >= 1024) return 16;
      const c = Math.floor(width / 64);
      return c >= 4 ? c : 0;
    },

    /** Checksum: XOR of the 6 bytes of the 48-bit ms timestamp and the eye byte. */
    checksum(ts, eye) {
      let chk = eye & 0xff;
      for (let k = 0; k < 6; k++) chk ^= Math.floor(ts / 2 ** (8 * k)) % 256;
      return chk;
    },

    /**
     * Decode one band. lumaAt(x, y) returns 0..255 luma at pixel (x, y) of the band, x relative to
     * x0 (the band's left edge: 0, or width/2 for the right half of a side-by-side frame).
     * Returns {ok, ts, eye, chk} (ok=false on checksum mismatch) or null if the width is too small.
     */
    decode(lumaAt, x0, width) {
      const c = StereoProbe.cellSize(width);
      if (!c) return null;
      const h = Math.floor(c / 2);
      const bits = new Array(64);
      for (let i = 0; i < 64; i++) {
        let sum = 0;
        const cx = x0 + c * i + h - 2;
        for (let y = h - 2; y < h + 2; y++)
          for (let x = cx; x < cx + 4; x++) sum += lumaAt(x, y);
        bits[i] = sum / 16 >= 128 ? 1 : 0;
      }
      let ts = 0;
      for (let i = 0; i < 48; i++) ts = ts * 2 + bits[i];
      let eye = 0;
      for (let i = 48; i < 56; i++) eye = eye * 2 + bits[i];
      let chk = 0;
      for (let i = 56; i < 64; i++) chk = chk * 2 + bits[i];
      return { ok: StereoProbe.checksum(ts, eye) === chk, ts, eye, chk };
    },

    /** Draw a full-range band on a 2D canvas context (used by the selftest sender). */
    draw(ctx, x0, width, ts, eye, chkXor = 0) {
      const c = StereoProbe.cellSize(width);
      if (!c) return;
      ctx.fillStyle = 'rgb(128,128,128)';
      ctx.fillRect(x0, 0, width, c);
      const chk = StereoProbe.checksum(ts, eye) ^ chkXor; // chkXor != 0: deliberately bad stamp (selftest)
      // 64-bit word, cell 0 = MSB: 48 bits ts, 8 bits eye, 8 bits chk.
      const bit = (i) => {
        if (i < 48) return Math.floor(ts / 2 ** (47 - i)) % 2;
        if (i < 56) return (eye >> (55 - i)) & 1;
        return (chk >> (63 - i)) & 1;
      };
      for (let i = 0; i < 64; i++) {
        ctx.fillStyle = bit(i) ? '#fff' : '#000';
        ctx.fillRect(x0 + c * i, 0, c, c);
      }
    },
  };

  // ---------------------------------------------------------------- band extraction
  const YUV_FORMATS = new Set(['I420', 'I420A', 'I420P10', 'I420P12', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);
  const RGB_FORMATS = { RGBA: [0, 1, 2], RGBX: [0, 1, 2], BGRA: [2, 1, 0], BGRX: [2, 1, 0] };

  /**
   * Copy the top `rows` rows of a VideoFrame (full visible width) and return a lumaAt(x, y)
   * accessor plus the visible width/height. Works for planar/semi-planar YUV (plane 0 = Y) and
   * 8-bit RGB formats. Returns null for a frame without a format (opaque GPU frame).
   */
  async function bandFromVideoFrame(frame, rows, scratch) {
    const vr = frame.visibleRect || { x: 0, y: 0, width: frame.codedWidth, height: frame.codedHeight };
    const fmt = frame.format;
    if (!fmt) return null;
    // Even-aligned rect so that 4:2:0 chroma planes stay sample-aligned.
    const x = vr.x & ~1, y = vr.y & ~1;
    const w = (vr.width + (vr.x - x) + 1) & ~1;
    const h = Math.min((rows + (vr.y - y) + 1) & ~1, frame.codedHeight - y);
    const rect = { x, y, width: Math.min(w, frame.codedWidth - x), height: h };
    const size = frame.allocationSize({ rect });
    if (!scratch.buf || scratch.buf.byteLength < size) scratch.buf = new Uint8Array(size);
    const layout = await frame.copyTo(scratch.buf, { rect });
    const buf = scratch.buf;
    const dx = vr.x - x, dy = vr.y - y;
    let lumaAt;
    if (YUV_FORMATS.has(fmt)) {
      const { offset, stride } = layout[0];
      if (fmt.endsWith('P10') || fmt.endsWith('P12')) {
        const shift = fmt.endsWith('P10') ? 2 : 4;
        const dv = new DataView(buf.buffer, buf.byteOffset);
        lumaAt = (px, py) => dv.getUint16(offset + (py + dy) * stride + (px + dx) * 2, true) >> shift;
      } else {
        lumaAt = (px, py) => buf[offset + (py + dy) * stride + px + dx];
      }
    } else if (RGB_FORMATS[fmt]) {
      const [r, g, b] = RGB_FORMATS[fmt];
      const { offset, stride } = layout[0];
      lumaAt = (px, py) => {
        const o = offset + (py + dy) * stride + (px + dx) * 4;
        return 0.299 * buf[o + r] + 0.587 * buf[o + g] + 0.114 * buf[o + b];
      };
    } else {
      throw new Error('unsupported VideoFrame format ' + fmt);
    }
    return { lumaAt, width: vr.width, height: vr.height, format: fmt };
  }

  // ---------------------------------------------------------------- per-track accounting
  /**
   * Mean RGB of a cols x rows grid over the whole frame (for geometry checks: a flip moves the
   * cells' colours). The frame is drawn scaled into a small canvas, 8x8 px per cell.
   */
  function gridFromFrame(frame, cols, rows, scratch) {
    const W = cols * 8, H = rows * 8;
    if (!scratch.gridCtx) scratch.gridCtx = new OffscreenCanvas(W, H).getContext('2d', { willReadFrequently: true });
    const ctx = scratch.gridCtx;
    ctx.drawImage(frame, 0, 0, W, H);
    const d = ctx.getImageData(0, 0, W, H).data;
    const out = [];
    for (let r = 0; r < rows; r++) {
      const row = [];
      for (let c = 0; c < cols; c++) {
        let R = 0, G = 0, B = 0;
        for (let y = r * 8; y < r * 8 + 8; y++) for (let x = c * 8; x < c * 8 + 8; x++) {
          const i = (y * W + x) * 4;
          R += d[i]; G += d[i + 1]; B += d[i + 2];
        }
        row.push([Math.round(R / 64), Math.round(G / 64), Math.round(B / 64)]);
      }
      out.push(row);
    }
    return out;
  }

  function percentile(sorted, p) {
    if (!sorted.length) return null;
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[i];
  }
  function summarize(samples) {
    const s = samples.slice().sort((a, b) => a - b);
    const r = (v) => (v == null ? null : Math.round(v * 10) / 10);
    return {
      p50: r(percentile(s, 50)),
      p95: r(percentile(s, 95)),
      max: r(s.length ? s[s.length - 1] : null),
      min: r(s.length ? s[0] : null),
      n: s.length,
    };
  }
  function newCounters() {
    return { frames: 0, eyeIds: {}, latency: [], displayLatency: [], checksumRejects: 0, noProbe: 0, lastT: null, maxGapMs: 0, firstT: null, lastFrameT: null };
  }

  class TrackMeter {
    constructor(index, track, opts) {
      this.index = index;
      this.track = track;
      this.halves = opts.layout === 'side-by-side' ? 2 : 1;
      this.timing = opts.timing;
      this.windowOpen = false;
      this.total = 0; // frames since start (any window)
      this.firstFrameAt = null; // performance.now()
      this.width = null;
      this.height = null;
      this.format = null;
      this.errors = 0;
      this.lastError = null;
      this.scratch = {};
      this.stopped = false;
      this.rvfcMissed = 0;
      this.win = null;
      this.halfWin = null;
      this.lastPresented = null;
      this.onFirstFrame = null;
      this.gridMs = opts.gridMs || 0; // > 0: sample a colour grid this often (live.mjs)
      this.gridAt = -1e9;
      this.grid = null;
      this.lastProbe = null; // last decoded probe on the left half: eye id, 'bad' or 'none'
    }

    open() {
      this.win = newCounters();
      this.halfWin = Array.from({ length: this.halves }, newCounters);
      this.windowStart = performance.now();
      this.rvfcMissed = 0;
      this.windowOpen = true;
    }

    close() {
      this.windowOpen = false;
      this.windowEnd = performance.now();
    }

    /**
     * Account one observed frame; `now` = Date.now() at observation; `displayAt` (rvfc only) =
     * epoch ms at which the compositor expects the frame on screen.
     */
    async account(frame, now, displayAt) {
      const pnow = performance.now();
      this.total++;
      if (this.firstFrameAt == null) {
        this.firstFrameAt = pnow;
        if (this.onFirstFrame) this.onFirstFrame(this.index);
      }
      let band = null;
      try {
        const halfW = Math.floor((frame.visibleRect ? frame.visibleRect.width : frame.codedWidth) / this.halves);
        const c = StereoProbe.cellSize(halfW);
        band = c ? await bandFromVideoFrame(frame, c, this.scratch) : null;
      } catch (e) {
        this.errors++;
        this.lastError = String(e && e.message || e);
      }
      if (this.gridMs && pnow - this.gridAt >= this.gridMs) {
        this.gridAt = pnow;
        try { this.grid = gridFromFrame(frame, 4, 4, this.scratch); } catch (e) { this.errors++; this.lastError = 'grid: ' + e; }
      }
      if (band) {
        this.width = band.width;
        this.height = band.height;
        this.format = band.format;
      }
      if (!this.windowOpen) return;
      const w = this.win;
      w.frames++;
      if (w.firstT == null) w.firstT = pnow;
      if (w.lastT != null) w.maxGapMs = Math.max(w.maxGapMs, pnow - w.lastT);
      w.lastT = pnow;
      if (!band) { w.noProbe++; return; }
      const halfW = Math.floor(band.width / this.halves);
      for (let k = 0; k < this.halves; k++) {
        const hw = this.halfWin[k];
        hw.frames++;
        const d = StereoProbe.decode(band.lumaAt, k * halfW, halfW);
        if (k === 0) this.lastProbe = !d ? 'none' : !d.ok ? 'bad' : d.eye;
        if (!d) { w.noProbe++; hw.noProbe++; continue; }
        if (!d.ok) { w.checksumRejects++; hw.checksumRejects++; continue; }
        const lat = now - d.ts;
        w.latency.push(lat); hw.latency.push(lat);
        if (displayAt != null) w.displayLatency.push(displayAt - d.ts);
        w.eyeIds[d.eye] = (w.eyeIds[d.eye] || 0) + 1;
        hw.eyeIds[d.eye] = (hw.eyeIds[d.eye] || 0) + 1;
      }
    }

    result() {
      const w = this.win || newCounters();
      const end = this.windowOpen ? performance.now() : (this.windowEnd || performance.now());
      const span = this.windowStart != null ? (end - this.windowStart) / 1000 : 0;
      const out = {
        index: this.index,
        frames: w.frames,
        fps: span > 0 ? Math.round((w.frames / span) * 100) / 100 : 0,
        eyeIds: w.eyeIds,
        latencyMs: summarize(w.latency),
        checksumRejects: w.checksumRejects,
        noProbe: w.noProbe,
        maxGapMs: Math.round(w.maxGapMs * 10) / 10,
        width: this.width,
        height: this.height,
        format: this.format,
        firstFrameMs: null,
        totalFrames: this.total,
        trackId: this.track.id,
      };
      if (this.timing === 'rvfc') {
        out.rvfcMissed = this.rvfcMissed;
        out.displayLatencyMs = summarize(w.displayLatency);
      }
      if (this.errors) { out.readErrors = this.errors; out.lastReadError = this.lastError; }
      if (this.halves === 2) {
        out.halves = this.halfWin.map((h, k) => ({
          half: k ? 'right' : 'left',
          eyeIds: h.eyeIds,
          latencyMs: summarize(h.latency),
          checksumRejects: h.checksumRejects,
          noProbe: h.noProbe,
        }));
      }
      return out;
    }

    // ---- frame sources
    startMstp() {
      if (typeof MediaStreamTrackProcessor !== 'function') throw new Error('MediaStreamTrackProcessor is not available in this window');
      const proc = new MediaStreamTrackProcessor({ track: this.track, maxBufferSize: 4 });
      this.reader = proc.readable.getReader();
      const loop = async () => {
        while (!this.stopped) {
          let r;
          try { r = await this.reader.read(); } catch (e) { this.lastError = String(e); break; }
          if (r.done) break;
          const now = Date.now();
          const frame = r.value;
          try { await this.account(frame, now); } finally { frame.close(); }
        }
      };
      this.loopDone = loop();
    }

    startRvfc(container) {
      const v = document.createElement('video');
      v.muted = true; v.autoplay = true; v.playsInline = true;
      v.width = 160; v.height = 120;
      v.style.cssText = 'width:160px;height:120px;display:inline-block';
      v.srcObject = new MediaStream([this.track]);
      container.appendChild(v);
      this.video = v;
      v.play().catch((e) => { this.lastError = 'play: ' + e; });
      const cb = async (_t, md) => {
        if (this.stopped) return;
        const now = Date.now();
        v.requestVideoFrameCallback(cb);
        if (this.lastPresented != null && this.windowOpen && md.presentedFrames > this.lastPresented + 1)
          this.rvfcMissed += md.presentedFrames - this.lastPresented - 1;
        this.lastPresented = md.presentedFrames;
        let frame;
        try { frame = new VideoFrame(v); } catch (e) { this.errors++; this.lastError = String(e); return; }
        const displayAt = performance.timeOrigin + md.expectedDisplayTime;
        try { await this.account(frame, now, displayAt); } finally { frame.close(); }
      };
      v.requestVideoFrameCallback(cb);
    }

    stop() {
      this.stopped = true;
      if (this.reader) this.reader.cancel().catch(() => {});
      if (this.video) { this.video.srcObject = null; this.video.remove(); }
    }
  }

  // ---------------------------------------------------------------- session
  const INBOUND_FIELDS = [
    'framesReceived', 'framesDecoded', 'framesDropped', 'keyFramesDecoded', 'frameWidth', 'frameHeight',
    'framesPerSecond', 'jitterBufferDelay', 'jitterBufferTargetDelay', 'jitterBufferMinimumDelay',
    'jitterBufferEmittedCount', 'totalDecodeTime', 'totalProcessingDelay', 'totalAssemblyTime',
    'totalInterFrameDelay', 'freezeCount', 'totalFreezesDuration', 'pauseCount', 'packetsReceived',
    'packetsLost', 'nackCount', 'pliCount', 'firCount', 'bytesReceived', 'jitter', 'decoderImplementation',
    'mid', 'powerEfficientDecoder',
  ];

  async function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

  /** Resolves true when ICE gathering is complete, false after timeoutMs. */
  function iceGatheringComplete(pc, timeoutMs) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { pc.removeEventListener('icegatheringstatechange', on); resolve(false); }, timeoutMs);
      const on = () => {
        if (pc.iceGatheringState !== 'complete') return;
        clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', on);
        resolve(true);
      };
      pc.addEventListener('icegatheringstatechange', on);
    });
  }

  class Session {
    constructor(opts) {
      this.opts = Object.assign({ layout: 'dual-track', timing: 'mstp' }, opts);
      this.log = [];
      this.meters = [];
      this.pc = null;
      this.t0 = null;
      this.states = [];
    }

    note(msg) { this.log.push(Math.round(performance.now()) + ' ' + msg); }

    /** Chromium only emits 127.0.0.1 host candidates after a getUserMedia call (TESTING.md). */
    async unlockLoopbackCandidates() {
      try {
        const s = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
        s.getTracks().forEach((t) => t.stop());
        this.note('getUserMedia ok');
      } catch (e) {
        this.note('getUserMedia failed: ' + e);
      }
    }

    createReceiver() {
      const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
      this.pc = pc;
      const n = this.opts.layout === 'side-by-side' ? 1 : 2;
      this.transceivers = [];
      for (let i = 0; i < n; i++) this.transceivers.push(pc.addTransceiver('video', { direction: 'recvonly' }));
      if (this.opts.codec) {
        const caps = RTCRtpReceiver.getCapabilities('video').codecs;
        const want = caps.filter((c) => c.mimeType.toLowerCase() === 'video/' + this.opts.codec.toLowerCase());
        const rest = caps.filter((c) => /rtx|red|ulpfec/i.test(c.mimeType));
        if (want.length) this.transceivers.forEach((t) => t.setCodecPreferences(want.concat(rest)));
      }
      for (const t of this.transceivers) {
        try { t.receiver.jitterBufferTarget = 0; } catch (e) { this.note('jitterBufferTarget: ' + e); }
      }
      pc.addEventListener('connectionstatechange', () => { this.states.push(pc.connectionState); this.note('pc ' + pc.connectionState); });
      pc.addEventListener('iceconnectionstatechange', () => this.note('ice ' + pc.iceConnectionState));
      return pc;
    }

    async gatherOffer(timeoutMs = 5000) {
      const pc = this.pc;
      const offer = await pc.createOffer();
      await pc.setLocalDescription(offer);
      if (!(await iceGatheringComplete(pc, timeoutMs))) this.note('ICE gathering not complete after ' + timeoutMs + ' ms; sending what we have');
      const sdp = pc.localDescription.sdp;
      const cands = sdp.split('\n').filter((l) => l.startsWith('a=candidate'));
      this.note('offer has ' + cands.length + ' candidates: ' + cands.map((l) => l.split(' ').slice(4, 6).join(':')).join(', '));
      return sdp;
    }

    /** Start observing the receivers' tracks (before the answer is applied, so no frame is missed). */
    startMeters() {
      const box = document.createElement('div');
      document.body.appendChild(box);
      this.firstFrames = new Promise((resolve) => { this._resolveFirst = resolve; });
      this.transceivers.forEach((t, i) => {
        const m = new TrackMeter(i, t.receiver.track, this.opts);
        m.onFirstFrame = () => {
          this.note('first frame on track ' + i);
          if (this.meters.every((x) => x.firstFrameAt != null)) this._resolveFirst();
        };
        this.meters.push(m);
        if (this.opts.timing === 'rvfc') m.startRvfc(box); else m.startMstp();
      });
    }

    /** Signal with the server: WHEP or JSON offer. Returns {ok, status, location, body, error}. */
    async signal(base, mode, token) {
      await this.unlockLoopbackCandidates();
      this.createReceiver();
      this.startMeters();
      const sdp = await this.gatherOffer();
      const headers = {};
      if (token) headers.Authorization = 'Bearer ' + token;
      let res;
      this.t0 = performance.now();
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), this.opts.httpTimeoutMs || 10000);
      try {
        if (mode === 'offer') {
          headers['Content-Type'] = 'application/json';
          res = await fetch(base + '/offer', { method: 'POST', headers, body: JSON.stringify({ type: 'offer', sdp }), signal: ctl.signal });
        } else {
          headers['Content-Type'] = 'application/sdp';
          res = await fetch(base + '/whep', { method: 'POST', headers, body: sdp, signal: ctl.signal });
        }
      } catch (e) {
        return { ok: false, error: 'POST failed: ' + e };
      } finally {
        clearTimeout(timer);
      }
      const body = await res.text();
      const location = res.headers.get('Location');
      const out = { status: res.status, location, contentType: res.headers.get('Content-Type'), retryAfter: res.headers.get('Retry-After') };
      const expected = mode === 'offer' ? [200, 201] : [201];
      if (!expected.includes(res.status)) return Object.assign(out, { ok: false, error: 'unexpected HTTP status ' + res.status, body: body.slice(0, 2000) });
      let answer;
      if (mode === 'offer') {
        try {
          const j = JSON.parse(body);
          if (j.type !== 'answer' || typeof j.sdp !== 'string') throw new Error('not {"type":"answer","sdp":...}');
          answer = j.sdp;
        } catch (e) {
          return Object.assign(out, { ok: false, error: 'bad JSON answer: ' + e.message, body: body.slice(0, 2000) });
        }
      } else {
        if (!location) return Object.assign(out, { ok: false, error: '201 without Location header', body: body.slice(0, 2000) });
        answer = body;
      }
      this.location = location;
      try {
        await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
      } catch (e) {
        return Object.assign(out, { ok: false, error: 'setRemoteDescription(answer) failed: ' + e.message, body: answer.slice(0, 2000) });
      }
      for (const t of this.transceivers) {
        try { t.receiver.jitterBufferTarget = 0; } catch (e) { /* older Chromium */ }
      }
      this.note('answer applied, mids: ' + this.transceivers.map((t) => t.mid).join(','));
      return Object.assign(out, { ok: true });
    }

    /** Wait until every track produced a frame (or timeout). Returns indices still without frames. */
    async waitFirstFrames(timeoutMs) {
      await Promise.race([this.firstFrames, sleep(timeoutMs)]);
      return this.meters.filter((m) => m.firstFrameAt == null).map((m) => m.index);
    }

    openWindow() { this.meters.forEach((m) => m.open()); this.note('window open'); }
    closeWindow() { this.meters.forEach((m) => m.close()); this.note('window closed'); }

    async inboundStats() {
      const out = [];
      for (const t of this.transceivers) {
        const rep = await t.receiver.getStats();
        let found = null, codec = null;
        rep.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') found = s; });
        if (found && found.codecId) { const c = rep.get(found.codecId); if (c) codec = c.mimeType + (c.sdpFmtpLine ? ' ' + c.sdpFmtpLine : ''); }
        const st = {};
        if (found) for (const k of INBOUND_FIELDS) if (found[k] !== undefined) st[k] = found[k];
        if (found && found.jitterBufferEmittedCount) st.jitterBufferDelayMsPerFrame = Math.round((found.jitterBufferDelay / found.jitterBufferEmittedCount) * 1e4) / 10;
        if (found && found.framesDecoded) st.decodeMsPerFrame = Math.round((found.totalDecodeTime / found.framesDecoded) * 1e4) / 10;
        if (codec) st.codec = codec;
        out.push(st);
      }
      return out;
    }

    /** One sample for live.mjs: per track frames, bytes, colour grid, last probe; the pc's state. */
    async sample() {
      const stats = await this.inboundStats();
      return {
        t: Date.now(),
        connectionState: this.pc.connectionState,
        states: this.states.slice(),
        tracks: this.meters.map((m, i) => ({
          index: i, frames: m.total, grid: m.grid, probe: m.lastProbe,
          bytesReceived: stats[i].bytesReceived ?? null, framesDecoded: stats[i].framesDecoded ?? null,
          keyFramesDecoded: stats[i].keyFramesDecoded ?? null,
        })),
      };
    }

    async results() {
      const stats = await this.inboundStats();
      let pair = null;
      try {
        const rep = await this.pc.getStats();
        rep.forEach((s) => {
          if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
            const l = rep.get(s.localCandidateId), r = rep.get(s.remoteCandidateId);
            pair = { local: l && (l.address + ':' + l.port + '/' + l.protocol), remote: r && (r.address + ':' + r.port + '/' + r.protocol), rttMs: s.currentRoundTripTime != null ? s.currentRoundTripTime * 1000 : null };
          }
        });
      } catch (e) { /* ignore */ }
      const tracks = this.meters.map((m, i) => {
        const r = m.result();
        r.firstFrameMs = m.firstFrameAt != null && this.t0 != null ? Math.round(m.firstFrameAt - this.t0) : null;
        r.stats = stats[i];
        return r;
      });
      return { tracks, connectionState: this.pc.connectionState, states: this.states, candidatePair: pair, log: this.log };
    }

    async hangup(base, token) {
      this.meters.forEach((m) => m.stop());
      let del = null;
      // WHEP always; /offer too when the server returned a session URL (stereo does).
      if (this.location) {
        const headers = {};
        if (token) headers.Authorization = 'Bearer ' + token;
        const ctl = new AbortController();
        const timer = setTimeout(() => ctl.abort(), 5000);
        try {
          const url = new URL(this.location, base + '/').toString();
          const r = await fetch(url, { method: 'DELETE', headers, signal: ctl.signal });
          del = r.status;
        } catch (e) { del = 'error: ' + e; } finally { clearTimeout(timer); }
      }
      if (this.pc) this.pc.close();
      return del;
    }
  }

  // ---------------------------------------------------------------- selftest sender
  /**
   * In-page sender for selftest.mjs: one canvas per eye (or one side-by-side canvas), each frame
   * drawn with a fresh probe stamp and captured immediately with requestFrame().
   */
  class ProbeSender {
    constructor({ width = 640, height = 480, fps = 60, layout = 'dual-track', codec = null, maxBitrate = 4e6, corruptEvery = 0 }) {
      Object.assign(this, { width, height, fps, layout, codec, maxBitrate, corruptEvery });
      this.corrupted = 0;
      this.canvases = [];
      this.tracks = [];
      this.frames = 0;
      const n = layout === 'side-by-side' ? 1 : 2;
      for (let i = 0; i < n; i++) {
        const cv = document.createElement('canvas');
        cv.width = layout === 'side-by-side' ? width * 2 : width;
        cv.height = height;
        const stream = cv.captureStream(0);
        this.canvases.push({ cv, ctx: cv.getContext('2d', { alpha: false }), track: stream.getVideoTracks()[0] });
        this.tracks.push(stream.getVideoTracks()[0]);
      }
    }

    drawEye(ctx, x0, w, eye, ts) {
      const h = this.height;
      ctx.fillStyle = eye ? '#234' : '#432';
      ctx.fillRect(x0, 0, w, h);
      // some motion so the encoder has work to do
      const k = this.frames % 120;
      ctx.fillStyle = eye ? '#8cf' : '#fc8';
      ctx.fillRect(x0 + (k / 120) * (w - 80), h / 2 - 40, 80, 80);
      ctx.fillStyle = '#fff';
      ctx.font = '24px sans-serif';
      ctx.fillText((eye ? 'R ' : 'L ') + this.frames, x0 + 20, h - 30);
      const bad = this.corruptEvery > 0 && this.frames % this.corruptEvery === 0;
      StereoProbe.draw(ctx, x0, w, ts, eye, bad ? 0x5a : 0);
    }

    tick() {
      const ts = Date.now();
      this.frames++;
      this.canvases.forEach(({ ctx, track }, i) => {
        if (this.layout === 'side-by-side') {
          this.drawEye(ctx, 0, this.width, 0, ts);
          this.drawEye(ctx, this.width, this.width, 1, ts);
        } else {
          this.drawEye(ctx, 0, this.width, i, ts);
        }
        track.requestFrame();
      });
    }

    start() {
      const period = 1000 / this.fps;
      let next = performance.now();
      const loop = () => {
        if (this.stopped) return;
        this.tick();
        next += period;
        const now = performance.now();
        if (next < now - period) next = now; // fell behind: do not burst
        this.timer = setTimeout(loop, Math.max(0, next - now));
      };
      loop();
    }

    stop() { this.stopped = true; clearTimeout(this.timer); this.tracks.forEach((t) => t.stop()); }

    /** Act as the server: apply a recvonly offer, attach the canvas tracks, return the answer. */
    async answer(offerSdp) {
      const pc = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
      this.pc = pc;
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const trs = pc.getTransceivers();
      for (let i = 0; i < trs.length; i++) {
        trs[i].direction = 'sendonly';
        await trs[i].sender.replaceTrack(this.tracks[i] || null);
        const p = trs[i].sender.getParameters();
        if (p.encodings && p.encodings.length) {
          p.encodings[0].maxBitrate = this.maxBitrate;
          p.degradationPreference = 'maintain-resolution';
          try { await trs[i].sender.setParameters(p); } catch (e) { /* ignore */ }
        }
      }
      const ans = await pc.createAnswer();
      await pc.setLocalDescription(ans);
      await iceGatheringComplete(pc, 5000);
      return pc.localDescription.sdp;
    }

    async senderStats() {
      const out = [];
      for (const t of this.pc.getTransceivers()) {
        const rep = await t.sender.getStats();
        rep.forEach((s) => {
          if (s.type === 'outbound-rtp' && s.kind === 'video') {
            let codec = null;
            if (s.codecId) { const c = rep.get(s.codecId); if (c) codec = c.mimeType; }
            out.push({ codec, encoderImplementation: s.encoderImplementation, framesEncoded: s.framesEncoded, framesSent: s.framesSent, frameWidth: s.frameWidth, frameHeight: s.frameHeight, qualityLimitationReason: s.qualityLimitationReason, totalEncodeTimeMsPerFrame: s.framesEncoded ? Math.round((s.totalEncodeTime / s.framesEncoded) * 1e4) / 10 : null, bytesSent: s.bytesSent });
          }
        });
      }
      return out;
    }
  }

  globalThis.StereoProbe = StereoProbe;
  globalThis.StereoMeasure = { Session, ProbeSender, TrackMeter, summarize, bandFromVideoFrame };
})();
