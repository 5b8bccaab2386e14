#!/usr/bin/env node
// Self-check of the measurement code, no server needed.
//
// One page holds a sender RTCPeerConnection (canvas.captureStream tracks; each frame carries a
// PROBE.md band stamped with Date.now() when it is drawn) and a receiver RTCPeerConnection built
// exactly as viewer.mjs builds it (recvonly transceivers, non-trickle offer, jitterBufferTarget 0).
// The sender plays the server's role (answers the offer). The receiver tracks are measured by the
// same in-page code as viewer.mjs (lib/measure-page.js), so this proves the decoder, the eye ids,
// the latency maths and the stats plumbing.
//
//   node e2e/selftest.mjs [--seconds 5] [--timing mstp|rvfc] [--layout dual-track|side-by-side]
//                         [--codec H264|VP8] [--fps 60] [--width 640] [--height 480]
//                         [--corrupt-every N]   (every Nth stamp gets a bad checksum; checks rejects)
//
// Re-executes itself in a loopback-only network namespace when it can see another interface.
// Prints one JSON line on stdout; exit code 0 when the checks pass.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { launch, log, MEASURE_HTML, MEASURE_SCRIPT, reexecInLoopbackNamespace, sleep, watchdog } from './lib/browser.mjs';

const { values: a } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    timing: { type: 'string', default: 'mstp' },
    layout: { type: 'string', default: 'dual-track' },
    codec: { type: 'string', default: 'H264' },
    fps: { type: 'string', default: '60' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
    'corrupt-every': { type: 'string', default: '0' },
  },
});
const seconds = Number(a.seconds), warmup = Number(a.warmup), corruptEvery = Number(a['corrupt-every']);

function finish(obj, code) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  process.exitCode = code;
}

await reexecInLoopbackNamespace();

let browser, server;
const dog = watchdog((seconds + warmup + 60) * 1000, () => {
  finish({ ok: false, error: 'selftest watchdog fired' }, 1);
  process.exit(1);
});

try {
  // A same-origin page on http://127.0.0.1 is a secure context (getUserMedia, VideoFrame).
  server = http.createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"status":"ok"}'); });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = 'http://127.0.0.1:' + server.address().port;

  browser = await launch();
  const { page } = browser;
  await page.goto(base + '/healthz');
  await page.setContent(MEASURE_HTML);
  await page.addScriptTag({ path: MEASURE_SCRIPT });

  const setup = await page.evaluate(async (o) => {
    const caps = RTCRtpSender.getCapabilities('video').codecs.map((c) => c.mimeType);
    let codec = o.codec;
    if (!caps.some((m) => m.toLowerCase() === 'video/' + codec.toLowerCase())) codec = 'VP8';
    const sender = new StereoMeasure.ProbeSender({ width: o.width, height: o.height, fps: o.fps, layout: o.layout, corruptEvery: o.corruptEvery });
    const sess = new StereoMeasure.Session({ layout: o.layout, timing: o.timing, codec, mode: 'selftest' });
    window.__sender = sender; window.__sess = sess;
    await sess.unlockLoopbackCandidates();
    sess.createReceiver();
    sess.startMeters();
    sender.start();
    const offer = await sess.gatherOffer();
    sess.t0 = performance.now();
    const answer = await sender.answer(offer);
    await sess.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    return { codec, senderCodecs: [...new Set(caps)], mstp: typeof MediaStreamTrackProcessor === 'function' };
  }, { codec: a.codec, width: Number(a.width), height: Number(a.height), fps: Number(a.fps), layout: a.layout, timing: a.timing, corruptEvery });
  log('selftest setup', JSON.stringify(setup));

  const missing = await page.evaluate((ms) => window.__sess.waitFirstFrames(ms), 10000);
  if (missing.length) throw new Error('no frames on track(s) ' + missing.join(',') + ' within 10 s');
  await sleep(warmup * 1000);
  await page.evaluate(() => window.__sess.openWindow());
  await sleep(seconds * 1000);
  await page.evaluate(() => window.__sess.closeWindow());
  const r = await page.evaluate(async () => {
    const res = await window.__sess.results();
    res.sender = await window.__sender.senderStats();
    res.framesGenerated = window.__sender.frames;
    window.__sender.stop();
    await window.__sess.hangup('', null);
    window.__sender.pc.close();
    return res;
  });
  for (const l of r.log) log('page: ' + l);

  // Checks: every track decodes, eye ids sit on the right track/half, latency samples exist.
  const problems = [];
  for (const t of r.tracks) {
    const expectEyes = a.layout === 'side-by-side' ? ['0', '1'] : [String(t.index)];
    if (!t.frames) problems.push(`track ${t.index}: no frames`);
    if (!t.latencyMs.n) problems.push(`track ${t.index}: no probe decoded`);
    const eyes = Object.keys(t.eyeIds);
    if (eyes.some((e) => !expectEyes.includes(e))) problems.push(`track ${t.index}: unexpected eye ids ${JSON.stringify(t.eyeIds)}`);
    if (corruptEvery > 0) {
      // every corruptEvery-th frame carries a bad checksum: the decoder must reject exactly those
      const expected = (t.frames * (t.halves ? 2 : 1)) / corruptEvery;
      if (Math.abs(t.checksumRejects - expected) > Math.max(3, expected * 0.1)) problems.push(`track ${t.index}: ${t.checksumRejects} checksum rejects, expected ~${expected.toFixed(0)}`);
    } else if (t.checksumRejects > t.frames * 0.02) problems.push(`track ${t.index}: ${t.checksumRejects} checksum rejects`);
    if (t.halves) t.halves.forEach((h, k) => { if (Object.keys(h.eyeIds).some((e) => e !== String(k))) problems.push(`track ${t.index} half ${k}: eye ids ${JSON.stringify(h.eyeIds)}`); });
  }
  const out = { ok: problems.length === 0, selftest: true, timing: a.timing, layout: a.layout, codec: setup.codec, senderFps: Number(a.fps), seconds, tracks: r.tracks, sender: r.sender, candidatePair: r.candidatePair };
  if (problems.length) out.error = problems.join('; ');
  finish(out, problems.length ? 1 : 0);
} catch (e) {
  finish({ ok: false, error: String(e && e.message || e) }, 1);
} finally {
  clearTimeout(dog);
  if (browser) await browser.close();
  if (server) server.close();
}
