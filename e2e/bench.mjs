#!/usr/bin/env node
// Benchmark: camera-to-eye latency (probe), presented fps per eye and process CPU of stereo.jar
// for each pipeline and setting, with a real headless-Chromium viewer. Writes a Markdown table.
//
//   node e2e/bench.mjs [--jar app/target/stereo.jar] [--pipelines option3] [--runs 3] [--seconds 15]
//        [--settings 1280x720@30,640x480@60] [--bitrate 4] [--out bench-results]
//
// Run it inside a loopback-only namespace (scripts/bench.sh does). Each run starts a fresh
// appliance, lets one viewer play for --seconds after a warm-up, and samples the appliance's CPU
// time from /proc over exactly the measurement window. The table reports the median over runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({ options: {
  jar: { type: 'string', default: resolve(here, '../app/target/stereo.jar') },
  pipelines: { type: 'string', default: 'option3' },
  runs: { type: 'string', default: '3' },
  seconds: { type: 'string', default: '15' },
  settings: { type: 'string', default: '1280x720@30,640x480@60' },
  bitrate: { type: 'string', default: '4' },
  out: { type: 'string', default: resolve(here, '../bench-results') },
} });

const CLK_TCK = 100; // Linux USER_HZ for /proc/<pid>/stat
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]); // utime + stime (fields 14, 15)
};
const median = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((p, q) => p - q); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

function startAppliance(pipeline, w, h, fps) {
  const dir = mkdtempSync(join(tmpdir(), 'stereo-bench-'));
  const cfg = join(dir, 'camera_profiles.yaml');
  const cam = `{source: test, bitrate_mbps: ${a.bitrate}, gop_frames: ${fps * 2}, idr_interval: ${fps * 2}}`;
  writeFileSync(cfg, `server: {bind: 127.0.0.1, http_port: 0, state_dir: ${dir}/state}\n` +
    `stream: {width: ${w}, height: ${h}, fps: ${fps}}\ncameras: {left: ${cam}, right: ${cam}}\n`);
  const p = spawn('java', ['-jar', a.jar, '--config', cfg, '--port', '0', `--pipeline=${pipeline}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((res, rej) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const m = /serving \S+ on https:\/\/[^:]+:(\d+)\//.exec(out);
      if (m) res({ proc: p, port: Number(m[1]) });
    };
    p.stdout.on('data', onData); p.stderr.on('data', onData);
    p.on('exit', (c) => rej(new Error(`stereo exited (${c}) before serving:\n${out}`)));
    setTimeout(() => rej(new Error('stereo did not start in 60 s:\n' + out)), 60000);
  });
}

function runViewer(port, seconds, onWindowStart) {
  return new Promise((res, rej) => {
    const v = spawn('node', [join(here, 'viewer.mjs'), '--url', `https://127.0.0.1:${port}`, '--seconds', String(seconds), '--warmup', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    v.stdout.on('data', (d) => { out += d; });
    v.stderr.on('data', (d) => { if (String(d).includes('STEREO_E2E_PLAYING')) onWindowStart(); });
    v.on('exit', () => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      line ? res(JSON.parse(line)) : rej(new Error('viewer printed nothing'));
    });
  });
}

const rows = [];
for (const pipeline of a.pipelines.split(',')) {
  for (const setting of a.settings.split(',')) {
    const [, w, h, fps] = /^(\d+)x(\d+)@(\d+)$/.exec(setting).map(Number);
    const runs = [];
    for (let i = 0; i < Number(a.runs); i++) {
      log(`${pipeline} ${setting} run ${i + 1}/${a.runs}`);
      const { proc, port } = await startAppliance(pipeline, w, h, fps);
      try {
        let t0 = null, c0 = null;
        // CPU is sampled from the first frame + 2 s warm-up to the end of the window.
        const started = () => setTimeout(() => { t0 = Date.now(); c0 = cpuTicks(proc.pid); }, 2000);
        const r = await runViewer(port, Number(a.seconds), started);
        const cpu = t0 ? ((cpuTicks(proc.pid) - c0) / CLK_TCK) / ((Date.now() - t0) / 1000) * 100 : NaN;
        if (!r.ok) throw new Error('viewer failed: ' + JSON.stringify(r));
        runs.push({ r, cpu });
      } finally {
        proc.kill('SIGTERM');
        await new Promise((res) => proc.on('exit', res));
      }
    }
    const t = (k) => (f) => median(runs.map(({ r }) => f(r.tracks[k])));
    rows.push({ pipeline, setting,
      p50: median(runs.map(({ r }) => median(r.tracks.map((x) => x.latencyMs.p50)))),
      p95: median(runs.map(({ r }) => Math.max(...r.tracks.map((x) => x.latencyMs.p95)))),
      fpsL: t(0)((x) => x.fps), fpsR: t(1)((x) => x.fps),
      cpu: median(runs.map((x) => x.cpu)), runs: runs.length });
  }
}

const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
const table = ['| pipeline | setting | probe latency p50 (ms) | p95 (ms) | fps left | fps right | CPU (% of one core) | runs |',
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.pipeline} | ${r.setting} | ${f1(r.p50)} | ${f1(r.p95)} | ${f1(r.fpsL)} | ${f1(r.fpsR)} | ${f1(r.cpu)} | ${r.runs} |`)].join('\n');
mkdirSync(a.out, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = join(a.out, `bench-${stamp}.md`);
writeFileSync(file, `# stereo benchmark ${new Date().toISOString()}\n\nMedians over ${a.runs} runs of ${a.seconds} s, ` +
  `one headless Chromium viewer on loopback, test source, ${a.bitrate} Mbit/s per eye, software encode.\n` +
  `Latency = viewer wall clock at decoded frame − probe capture time (same machine clock).\n\n${table}\n`);
console.log(table);
log(`written ${file}`);
