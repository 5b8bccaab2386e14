// Latency probe (PROBE.md): the test source writes each frame's capture time (epoch ms) and eye
// id into its top rows. Reading it back from the frame an eye is showing gives "capture → shown"
// latency for the telemetry overlay. Called about once a second, never in the XR frame loop.

let canvas = null, ctx = null;

/** PROBE.md cell size for a frame (or half frame) `width` px wide; 0 if too narrow. */
export function cellSize(width) {
  const c = width >= 1024 ? 16 : Math.floor(width / 64);
  return c >= 4 ? c : 0;
}

/**
 * Decodes the band of the image drawable (VideoFrame, <video>) at x0 in a frame `width` px
 * wide. Returns {ts, eye} or null (no probe, or checksum mismatch).
 */
export function readProbe(drawable, x0, width) {
  const c = cellSize(width);
  if (!drawable || !c) return null;
  if (!canvas) {
    canvas = new OffscreenCanvas(1, 1);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (canvas.width !== 64 * c || canvas.height !== c) { canvas.width = 64 * c; canvas.height = c; }
  try {
    ctx.drawImage(drawable, -x0, 0);
  } catch {
    return null; // frame closed meanwhile
  }
  const d = ctx.getImageData(0, 0, 64 * c, c).data;
  const half = Math.floor(c / 2);
  let bits = 0n;
  for (let i = 0; i < 64; i++) {
    let sum = 0;
    for (let y = half - 1; y <= half; y++) {
      for (let x = c * i + half - 1; x <= c * i + half; x++) {
        const o = (y * 64 * c + x) * 4;
        sum += 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
      }
    }
    bits = (bits << 1n) | (sum / 4 >= 128 ? 1n : 0n);
  }
  const w = parseWord(bits);
  return w.ok && w.eye <= 1 ? w : null;
}

/** Splits a probe word (64-bit BigInt, cell 0 = MSB) into {ts, eye, ok} (ok: checksum matches). */
export function parseWord(bits) {
  const ts = Number(bits >> 16n), eye = Number((bits >> 8n) & 0xffn), chk = Number(bits & 0xffn);
  let x = eye;
  for (let i = 0; i < 6; i++) x ^= Math.floor(ts / 2 ** (8 * i)) & 0xff;
  return { ts, eye, ok: x === chk };
}
