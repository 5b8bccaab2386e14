// The access token (server.token): taken from the URL fragment (#token=…) or typed once into the
// page when the server answers 401, and kept in localStorage so a reload plays without asking.
// A fragment token is moved out of the address bar (it should not linger in screenshots).

const KEY = 'stereo.token';

function stored() {
  try { return localStorage.getItem(KEY) || null; } catch { return null; }
}

export function saveToken(t) {
  try { if (t) localStorage.setItem(KEY, t); else localStorage.removeItem(KEY); } catch { /* private mode */ }
}

/** The token to use now: #token=… (saved, then removed from the URL) or the saved one. */
export function currentToken() {
  const h = new URLSearchParams(location.hash.replace(/^#/, ''));
  const t = h.get('token');
  if (t) {
    saveToken(t);
    h.delete('token');
    const rest = h.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
    return t;
  }
  return stored();
}
