// WHEP client (draft-ietf-wish-whep), non-trickle: the offer is sent once ICE gathering is
// complete, so the server never needs PATCH from us. Same origin as the page.

export class WhepError extends Error {
  /**
   * @param {string} message human-readable
   * @param {{status?: number, code?: string, detail?: string, retryAfterMs?: number}} info
   */
  constructor(message, info = {}) {
    super(message);
    this.name = 'WhepError';
    Object.assign(this, info);
  }
}

/** Resolves when ICE gathering is complete or after timeoutMs (then we send what we have). */
function gatheringComplete(pc, timeoutMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => { if (pc.iceGatheringState === 'complete') done(); };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

function parseRetryAfter(value) {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/**
 * Negotiate `pc` (already holding its recvonly transceivers) with a WHEP endpoint.
 * Returns a session {location, close()}; throws WhepError on any HTTP or SDP failure.
 */
export async function whepConnect(pc, { endpoint = '/whep', token = null, timeoutMs = 10000 } = {}) {
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc, 3000);

  const headers = { 'Content-Type': 'application/sdp' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body: pc.localDescription.sdp, signal: ctl.signal, cache: 'no-store' });
  } catch (e) {
    throw new WhepError(ctl.signal.aborted ? 'the server did not answer in time' : 'cannot reach the server', { detail: String(e) });
  } finally {
    clearTimeout(timer);
  }
  const body = await res.text();
  if (res.status !== 201) {
    let code, detail;
    try { ({ error: code, detail } = JSON.parse(body)); } catch { detail = body.slice(0, 200); }
    throw new WhepError(`HTTP ${res.status}`, { status: res.status, code, detail, retryAfterMs: parseRetryAfter(res.headers.get('Retry-After')) });
  }
  const location = res.headers.get('Location');
  const sessionUrl = location ? new URL(location, new URL(endpoint, window.location.href)).toString() : null;
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
  } catch (e) {
    // The server holds a session for us; give it back before failing.
    if (sessionUrl) fetch(sessionUrl, { method: 'DELETE', headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(() => {});
    throw new WhepError('the server sent an answer this browser cannot use', { detail: e.message });
  }

  let closed = false;
  return {
    location: sessionUrl,
    /** DELETE the session (keepalive so it also works from pagehide). */
    close() {
      if (closed || !sessionUrl) return;
      closed = true;
      fetch(sessionUrl, { method: 'DELETE', keepalive: true, headers: token ? { Authorization: `Bearer ${token}` } : {} }).catch(() => {});
    },
  };
}
