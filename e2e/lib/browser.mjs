// Launch the system Chromium (never a downloaded one) the way TESTING.md prescribes.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const MEASURE_SCRIPT = fileURLToPath(new URL('./measure-page.js', import.meta.url));

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  // loopback ICE candidates (plus one getUserMedia call in the page)
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // the server's certificate is self-signed
  '--ignore-certificate-errors',
];

export function log(...a) {
  process.stderr.write('[e2e ' + new Date().toISOString().slice(11, 23) + '] ' + a.join(' ') + '\n');
}

/** Returns {context, page, close()}; close() is idempotent and removes the profile dir. */
export async function launch({ executablePath = process.env.CHROMIUM || '/usr/bin/chromium', extraArgs = [], timeoutMs = 30000, viewport = { width: 800, height: 600 } } = {}) {
  if (!existsSync(executablePath)) throw new Error('Chromium not found at ' + executablePath + ' (apt-get install chromium)');
  const dir = mkdtempSync(join(tmpdir(), 'stereo-e2e-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath,
      headless: true,
      // playwright adds --headless itself for headless: true (and drops a duplicate of ours)
      args: CHROMIUM_FLAGS.filter((f) => f !== '--headless').concat(extraArgs),
      ignoreHTTPSErrors: true,
      timeout: timeoutMs,
      viewport,
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => { if (process.env.E2E_CONSOLE) log('console.' + m.type() + ': ' + m.text()); });
  page.on('pageerror', (e) => log('pageerror: ' + e.message));
  let closed = false;
  return {
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Minimal measurement page; the harness code is added with addScriptTag afterwards. */
export const MEASURE_HTML = '<!doctype html><meta charset="utf-8"><title>stereo e2e measurement</title><body style="margin:0;background:#000"></body>';

/** Hard wall-clock bound for a whole run: prints a failure line and exits if it fires. */
export function watchdog(ms, onFire) {
  const t = setTimeout(onFire, ms);
  t.unref();
  return t;
}

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

/** Names of network interfaces other than loopback that have an address (ICE would use them). */
export async function nonLoopbackInterfaces() {
  const os = await import('node:os');
  return Object.entries(os.networkInterfaces())
    .filter(([, addrs]) => (addrs || []).some((a) => !a.internal))
    .map(([name]) => name);
}

/** Writes one JSON result line on stdout: the contract every e2e script has with its Java caller. */
export const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');

/**
 * Parses a page script's command line: `--url` (required) and `--allow-network` plus the script's
 * own options. Exits with a JSON error when the URL is missing or when this process can see a
 * non-loopback interface (all WebRTC must stay on 127.0.0.1; see TESTING.md).
 */
export async function pageScriptArgs(options) {
  const { values } = parseArgs({
    options: { url: { type: 'string' }, 'allow-network': { type: 'boolean', default: false }, ...options },
  });
  if (!values.url) { emit({ ok: false, error: '--url is required' }); process.exit(1); }
  const others = await nonLoopbackInterfaces();
  if (others.length && !values['allow-network']) {
    emit({ ok: false, error: `refusing to run with non-loopback interfaces (${others.join(', ')}); use a loopback-only namespace` });
    process.exit(1);
  }
  return values;
}

/**
 * Ends a page script: stops its watchdog, closes the browser, writes the result line and exits 0
 * when {@code out.ok}, else 1. An exception becomes {@code {ok: false, error: first line}}.
 */
export async function finish({ browser, dog, out, error }) {
  const result = error === undefined ? out : { ok: false, error: String((error && error.message) || error).split('\n')[0] };
  clearTimeout(dog);
  if (browser) await browser.close();
  emit(result);
  process.exit(result.ok ? 0 : 1);
}

/**
 * If this process can see a non-loopback interface, re-run the same command inside a private
 * loopback-only network namespace (TESTING.md) and exit with its status. Used by selftest.mjs,
 * which needs nothing outside its own process. viewer.mjs must share the server's namespace, so
 * it refuses instead (see there).
 */
export async function reexecInLoopbackNamespace() {
  const others = await nonLoopbackInterfaces();
  if (!others.length) return;
  if (process.env.STEREO_E2E_IN_NETNS) throw new Error('still see interfaces ' + others.join(',') + ' inside the namespace');
  const { spawn } = await import('node:child_process');
  const q = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";
  const cmd = 'ip link set lo up && exec ' + [process.execPath, ...process.argv.slice(1)].map(q).join(' ');
  log('re-running inside a loopback-only network namespace (unshare --net)');
  const child = spawn('unshare', ['--net', '--', 'bash', '-c', cmd], { stdio: 'inherit', env: { ...process.env, STEREO_E2E_IN_NETNS: '1' } });
  const code = await new Promise((res) => { child.on('exit', (c, sig) => res(c == null ? 1 : c)); child.on('error', (e) => { log('unshare failed: ' + e.message); res(1); }); });
  process.exit(code);
}
