// WebGL2 renderer of the stereo screen inside an immersive session: for every XRView the
// texture of THAT eye (XRView.eye) is drawn on a quad in front of the viewer. Dual-track: left
// track → left view, right track → right view. Side-by-side: one track, each eye samples its
// half. Textures are uploaded inside the XR frame callback, only when a new frame arrived.
import { multiply, translation, scaling, projectPoint } from './xr-math.js';
import { OVERLAY_GEOMETRY } from './xr-overlay.js';
import { cellSize, parseWord } from './probe.js';

const VS = `#version 300 es
in vec2 pos;
uniform mat4 mvp;
uniform vec2 uRange; // u0, u1 of this eye's part of the texture
out vec2 uv;
void main() {
  uv = vec2(mix(uRange.x, uRange.y, pos.x + 0.5), 0.5 - pos.y);
  gl_Position = mvp * vec4(pos, 0.0, 1.0);
}`;
const FS = `#version 300 es
precision mediump float;
in vec2 uv;
uniform sampler2D tex;
out vec4 color;
void main() { color = vec4(texture(tex, uv).rgb, 1.0); }`;

function compile(gl, type, src) {
  const s = gl.createShader(type);
  gl.shaderSource(s, src);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error('shader: ' + gl.getShaderInfoLog(s));
  return s;
}

export class XrStereoRenderer {
  /** @param gl WebGL2 context made with xrCompatible */
  constructor(gl) {
    this.gl = gl;
    const p = gl.createProgram();
    gl.attachShader(p, compile(gl, gl.VERTEX_SHADER, VS));
    gl.attachShader(p, compile(gl, gl.FRAGMENT_SHADER, FS));
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error('program: ' + gl.getProgramInfoLog(p));
    this.prog = p;
    this.loc = { mvp: gl.getUniformLocation(p, 'mvp'), uRange: gl.getUniformLocation(p, 'uRange'), tex: gl.getUniformLocation(p, 'tex') };
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    const buf = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buf);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5]), gl.STATIC_DRAW);
    const a = gl.getAttribLocation(p, 'pos');
    gl.enableVertexAttribArray(a);
    gl.vertexAttribPointer(a, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.textures = [];
    this.sizes = [];
    this.seen = [];
    this.uploads = [0, 0];
  }

  texture(i) {
    const gl = this.gl;
    if (!this.textures[i]) {
      const t = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, t);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      this.textures[i] = t;
      this.seen[i] = -1;
    }
    return this.textures[i];
  }

  /** Uploads each source's newest frame if it changed since the last upload. */
  upload(sources) {
    const gl = this.gl;
    sources.forEach((s, i) => {
      const img = s && s.drawable;
      if (!img || !s.width || s.version === this.seen[i]) return;
      gl.bindTexture(gl.TEXTURE_2D, this.texture(i));
      try {
        gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, img);
        this.sizes[i] = [s.width, s.height];
        this.seen[i] = s.version;
        this.uploads[i] = (this.uploads[i] || 0) + 1;
      } catch { /* frame closed under us: next one */ }
    });
  }

  /**
   * Which texture and which horizontal part of it an eye sees, or null if nothing to show.
   * @returns {{tex: number, u0: number, u1: number, w: number, h: number} | null}
   */
  eyeSource(eye, sideBySide) {
    const right = eye === 'right';
    if (sideBySide) {
      const sz = this.sizes[0];
      if (!sz) return null;
      return { tex: 0, u0: right ? 0.5 : 0, u1: right ? 1 : 0.5, w: sz[0] / 2, h: sz[1] };
    }
    const i = right ? 1 : 0;
    const sz = this.sizes[i];
    if (!sz) return null;
    return { tex: i, u0: 0, u1: 1, w: sz[0], h: sz[1] };
  }

  /** MVP of this view's quad: anchor (pose matrix) · offset · size. */
  quadMatrix(view, anchor, settings, src) {
    const offset = (view.eye === 'right' ? -1 : 1) * settings.convergence / 2;
    const w = settings.width, h = (settings.width * src.h) / src.w;
    const model = multiply(anchor, multiply(translation(offset, 0, -settings.distance), scaling(w, h, 1)));
    return multiply(view.projectionMatrix, multiply(view.transform.inverse.matrix, model));
  }

  /** MVP of the head-locked overlay panel (xr-overlay.js) in this view. */
  overlayMatrix(view, head, overlay) {
    const [x, y, z] = overlay.offset;
    const model = multiply(head, multiply(translation(x, y, z), scaling(overlay.width, overlay.width / overlay.aspect, 1)));
    return multiply(view.projectionMatrix, multiply(view.transform.inverse.matrix, model));
  }

  quad(tex, mvp, u0, u1) {
    const gl = this.gl;
    gl.useProgram(this.prog);
    gl.bindVertexArray(this.vao);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, tex);
    gl.uniform1i(this.loc.tex, 0);
    gl.uniformMatrix4fv(this.loc.mvp, false, mvp);
    gl.uniform2f(this.loc.uRange, u0, u1);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindVertexArray(null);
  }

  /**
   * Draws the frame: for each view, clear its viewport and draw that eye's texture, then the
   * overlay panel if one is given ({overlay, head}: head-locked to the viewer pose `head`).
   * Returns per view {eye, mvp, src, viewport, overlayMvp} for optional readback.
   */
  draw(layer, views, anchor, settings, sideBySide, { overlay = null, head = anchor } = {}) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, layer.framebuffer);
    gl.disable(gl.DEPTH_TEST);
    gl.clearColor(0.02, 0.02, 0.03, 1);
    const drawn = [];
    for (const view of views) {
      const vp = layer.getViewport(view);
      if (!vp || !vp.width) continue;
      gl.viewport(vp.x, vp.y, vp.width, vp.height);
      gl.enable(gl.SCISSOR_TEST);
      gl.scissor(vp.x, vp.y, vp.width, vp.height);
      gl.clear(gl.COLOR_BUFFER_BIT);
      gl.disable(gl.SCISSOR_TEST);
      const src = this.eyeSource(view.eye, sideBySide);
      // The overlay's spot is computed even when hidden: readback reports what is there.
      const d = { eye: view.eye, viewport: vp, src, overlayMvp: this.overlayMatrix(view, head, overlay || OVERLAY_GEOMETRY) };
      if (src) {
        d.mvp = this.quadMatrix(view, anchor, settings, src);
        this.quad(this.textures[src.tex], d.mvp, src.u0, src.u1);
      }
      if (overlay && overlay.tex) this.quad(overlay.tex, d.overlayMvp, 0, 1);
      drawn.push(d);
    }
    return drawn;
  }

  /**
   * Reads back, from what was just drawn, each view's centre pixel and the latency-probe band
   * (PROBE.md) of the image that view shows, decoded to {eyeId, ts} (diagnostics and tests).
   */
  readback(drawn) {
    const gl = this.gl;
    return drawn.map((d) => {
      const vp = d.viewport;
      const out = { eye: d.eye, viewport: [vp.x, vp.y, vp.width, vp.height] };
      const px = new Uint8Array(4);
      gl.readPixels(vp.x + (vp.width >> 1), vp.y + (vp.height >> 1), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      out.centre = [px[0], px[1], px[2]];
      // The overlay panel's left margin (plain panel colour when the overlay is shown).
      const [ox, oy] = projectPoint(d.overlayMvp, -0.5 + OVERLAY_GEOMETRY.marginU, 0);
      gl.readPixels(Math.round(vp.x + ((ox + 1) / 2) * vp.width), Math.round(vp.y + ((oy + 1) / 2) * vp.height), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      out.overlayPx = [px[0], px[1], px[2]];
      if (!d.src) return out;
      const { w, h, u0, u1 } = d.src;
      const c = cellSize(w);
      if (!c) return out;
      // Cell centres in quad coordinates → viewport pixels (GL origin bottom-left).
      const pts = [];
      for (let i = 0; i < 64; i++) {
        const u = (c * i + c / 2) / w, v = c / 2 / h;
        const [nx, ny] = projectPoint(d.mvp, u - 0.5, 0.5 - v);
        pts.push([Math.round(vp.x + ((nx + 1) / 2) * vp.width), Math.round(vp.y + ((ny + 1) / 2) * vp.height)]);
      }
      let bits = 0n;
      for (const [x, y] of pts) {
        gl.readPixels(x - 1, y - 1, 3, 3, gl.RGBA, gl.UNSIGNED_BYTE, (this._buf ||= new Uint8Array(36)));
        let sum = 0;
        for (let k = 0; k < 36; k += 4) sum += 0.299 * this._buf[k] + 0.587 * this._buf[k + 1] + 0.114 * this._buf[k + 2];
        bits = (bits << 1n) | (sum / 9 >= 128 ? 1n : 0n);
      }
      const { ts, eye: eyeId, ok } = parseWord(bits);
      out.cellPx = Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
      out.probe = ok ? { eyeId, ts, ageMs: Date.now() - ts } : { reject: true };
      out.u = [u0, u1];
      return out;
    });
  }
}
