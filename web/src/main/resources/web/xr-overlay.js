// The telemetry overlay inside the headset: the lines of telemetry.js drawn into a small canvas,
// uploaded as a texture only when they change (about once a second, never per frame), shown on a
// head-locked panel below the line of sight. Toggled by B / Y on a controller (xr-session.js).

const W = 1024, H = 256;
export const OVERLAY_RGB = [16, 48, 96]; // panel background; tests look for it
const PAD = 32; // text starts here: the left margin is plain background
/**
 * Head-locked placement in viewer space (metres): below and in front of the eyes. marginU: a
 * point of the left margin, in quad coordinates from the left edge (readback samples it).
 */
export const OVERLAY_GEOMETRY = Object.freeze({ offset: [0, -0.35, -1.0], width: 0.8, aspect: W / H, marginU: PAD / 2 / W });

export class XrOverlay {
  /** @param gl the XR WebGL2 context */
  constructor(gl) {
    this.gl = gl;
    this.canvas = new OffscreenCanvas(W, H);
    this.ctx = this.canvas.getContext('2d');
    this.tex = null;
    this.version = -1;
    Object.assign(this, OVERLAY_GEOMETRY);
  }

  /** Redraws the panel if the telemetry text changed. Called in the XR frame callback. */
  update(text, version) {
    if (version === this.version && this.tex) return;
    this.version = version;
    const c = this.ctx;
    c.fillStyle = `rgb(${OVERLAY_RGB.join(',')})`;
    c.fillRect(0, 0, W, H);
    c.fillStyle = '#e8eef8';
    c.font = '20px monospace';
    c.textBaseline = 'top';
    text.split('\n').slice(0, 9).forEach((l, i) => c.fillText(l, PAD, 16 + i * 26, W - 2 * PAD));
    const gl = this.gl;
    if (!this.tex) {
      this.tex = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, this.tex);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    }
    gl.bindTexture(gl.TEXTURE_2D, this.tex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, this.canvas);
  }
}
