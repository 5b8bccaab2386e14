// Column-major 4x4 matrix helpers for the XR quad (only what xr-renderer.js needs).

export function multiply(a, b) {
  const o = new Float32Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r] * b[c * 4 + k];
      o[c * 4 + r] = s;
    }
  }
  return o;
}

export function translation(x, y, z) {
  const o = new Float32Array(16);
  o[0] = o[5] = o[10] = o[15] = 1;
  o[12] = x; o[13] = y; o[14] = z;
  return o;
}

export function scaling(x, y, z) {
  const o = new Float32Array(16);
  o[0] = x; o[5] = y; o[10] = z; o[15] = 1;
  return o;
}

/** Pose matrix reduced to its position and heading (yaw), so a world-locked screen stays upright. */
export function yawOnly(m) {
  const fx = -m[8], fz = -m[10]; // forward = -Z column
  const yaw = Math.atan2(-fx, -fz);
  const c = Math.cos(yaw), s = Math.sin(yaw);
  const o = new Float32Array(16);
  o[0] = c; o[2] = -s; o[5] = 1; o[8] = s; o[10] = c; o[15] = 1;
  o[12] = m[12]; o[13] = m[13]; o[14] = m[14];
  return o;
}

/** Multiplies (x, y, 0, 1) by m; returns normalised device coordinates [x, y]. */
export function projectPoint(m, x, y) {
  const cx = m[0] * x + m[4] * y + m[12];
  const cy = m[1] * x + m[5] * y + m[13];
  const cw = m[3] * x + m[7] * y + m[15];
  return [cx / cw, cy / cw];
}
