package dev.stereo.dualtrack;

import dev.stereo.calibration.ConfigLoader;
import dev.stereo.calibration.StereoConfig;
import dev.stereo.core.Eye;
import dev.stereo.core.PipelineStatus;
import dev.stereo.core.StereoException;
import dev.stereo.core.ViewerSession;
import dev.stereo.core.gst.ForceKeyUnit;
import dev.stereo.core.gst.IceAgentSetup;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.PadProbeType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real option2 pipeline: FFmpeg libx264 encoders, the test source, and real webrtcbin
 * viewers answering a Chromium-shaped offer. The offer has no candidates, so no packet is sent.
 */
class DualTrackPipelineTest {

    @BeforeAll
    static void init() {
        if (!Gst.isInitialized()) {
            dev.stereo.core.gst.GstRuntime.init("test");
        }
    }

    static StereoConfig config(String sources) throws Exception {
        return ConfigLoader.parse("""
                stream: {width: 320, height: 240, fps: 30}
                cameras:
                """ + sources, Path.of("test.yaml"));
    }

    static StereoConfig testConfig() throws Exception {
        return config("""
                  left: {source: test, bitrate_mbps: 1, gop_frames: 300}
                  right: {source: test, bitrate_mbps: 1, gop_frames: 300}
                """);
    }

    static String offer() throws Exception {
        try (InputStream in = DualTrackPipelineTest.class.getResourceAsStream("/chrome-offer-2video.sdp")) {
            // No remote candidates: the test never sends a packet, so it may run outside the namespace.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^a=candidate:.*\\n", "")
                    .replace("\n", "\r\n");
        }
    }

    static String sha(ByteBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b);
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void answersWithTwoSendonlyH264TracksAndOneEncoderPerEye() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(testConfig())) {
            assertEquals("option2", p.name());
            assertEquals("stopped", p.status().state(), "the constructor starts nothing");
            assertEquals(0, p.status().encoders());
            p.start();
            Thread.sleep(500);
            ViewerSession v = p.connect(offer());
            String answer = v.answerSdp();
            assertEquals(2, answer.split("m=video ").length - 1, answer);
            assertEquals(2, answer.split("a=sendonly").length - 1, answer);
            assertTrue(answer.contains("a=rtpmap:106 H264/90000"), answer);
            assertTrue(answer.contains("candidate:"), "answer carries candidates: " + answer);
            Thread.sleep(500);
            PipelineStatus s = p.status();
            System.out.println(s);
            assertEquals("running", s.state());
            assertEquals("dual-track", s.layout());
            assertEquals(2, s.encoders());
            assertEquals(1, s.viewers());
            assertEquals("libx264", s.eyes().get("left").encoder());
            assertTrue(s.eyes().get("left").encoderReason().contains("h264_v4l2m2m"), s.toString());
            assertEquals("test", s.eyes().get("right").source());
            assertEquals(320, s.eyes().get("right").width());
            assertTrue(s.eyes().get("left").framesEncoded() > 5, "frames encoded: " + s);
            assertTrue(s.eyes().get("right").framesEncoded() > 5, "frames encoded: " + s);
            v.close();
            v.close();
            assertTrue(v.isClosed());
            assertEquals(0, p.status().viewers());
            assertEquals(2, p.status().encoders(), "encoders outlive viewers");
            p.close();
            p.close();
            assertEquals("stopped", p.status().state());
            assertEquals(0, p.status().encoders());
            assertThrows(StereoException.class, () -> p.connect(offer()));
        }
    }

    /** Per answered m-line: the payload type on its m= line and the SSRCs its a=ssrc lines name. */
    record Answered(int pt, Set<Long> ssrcs) {}

    static List<Answered> answered(String sdp) {
        List<Answered> out = new ArrayList<>();
        for (String section : sdp.split("\r?\nm=")) {
            if (!section.startsWith("video ")) {
                continue;
            }
            String[] m = section.split("\r?\n")[0].split(" ");
            assertEquals(4, m.length, "one payload type answered per m-line: " + section);
            Set<Long> ssrcs = new TreeSet<>();
            Matcher ssrc = Pattern.compile("(?m)^a=ssrc:(\\d+) ").matcher(section);
            while (ssrc.find()) {
                ssrcs.add(Long.parseLong(ssrc.group(1)));
            }
            out.add(new Answered(Integer.parseInt(m[3].trim()), ssrcs));
        }
        return out;
    }

    /**
     * What a browser needs to take the packets at all: each m-line of the answer names the
     * payload type its payloader sends and that payloader's SSRC. The offer is Chromium's, whose
     * first H.264 payload type (102) is not the one we send (106, the best packetization-mode=1
     * profile): answered from a caps query before any caps have flowed, webrtcbin said 102 and no
     * a=ssrc, and Chromium dropped every packet (ICE and DTLS connected, no frame ever). An
     * in-process webrtcbin receiver accepts such packets anyway, so this is checked on the answer.
     */
    @Test
    void answerNamesThePayloadTypeAndSsrcEachPayloaderSends() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(testConfig())) {
            p.start();
            List<DualTrackViewer> built = new ArrayList<>();
            p.onViewerBuilt(built::add);
            for (int round = 0; round < 2; round++) {
                ViewerSession v = p.connect(offer());
                DualTrackViewer viewer = built.get(round);
                List<Answered> answer = answered(v.answerSdp());
                assertEquals(2, answer.size(), v.answerSdp());
                Set<Long> all = new HashSet<>();
                for (Eye eye : Eye.values()) {
                    Element pay = viewer.pipeline().getElementByName("pay_" + eye.key());
                    int pt = ((Number) pay.get("pt")).intValue();
                    long ssrc = Integer.toUnsignedLong(((Number) pay.get("ssrc")).intValue());
                    Answered a = answer.get(eye.id());
                    assertEquals(106, pt, eye + ": the payloader sends the offer's best H.264 payload type");
                    assertEquals(pt, a.pt(), eye + ": the answer's payload type is the one sent\n" + v.answerSdp());
                    assertEquals(Set.of(ssrc), a.ssrcs(), eye + ": the answer names the SSRC sent\n"
                            + v.answerSdp());
                    all.add(ssrc);
                }
                assertEquals(2, all.size(), "the two tracks have their own SSRCs");
                v.close(); // the next viewer (a new pipeline) must be answered the same way
            }
        }
    }

    @Test
    void noViewerPipelineHasAnEncoderOrDecoder() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(testConfig())) {
            p.start();
            List<ViewerSession> sessions = List.of(p.connect(offer()), p.connect(offer()));
            assertEquals(2, p.viewers().size());
            for (DualTrackViewer v : p.viewers()) {
                List<String> factories = new ArrayList<>();
                for (Element e : v.pipeline().getElementsRecursive()) {
                    String klass = e.getFactory() == null ? "" : e.getFactory().getKlass();
                    factories.add(e.getFactory() == null ? e.getName() : e.getFactory().getName());
                    assertFalse(klass.contains("Codec/Encoder") || klass.contains("Codec/Decoder"),
                            "viewer pipeline contains " + e.getName() + " (" + klass + ")");
                }
                assertTrue(factories.containsAll(List.of("appsrc", "rtph264pay", "webrtcbin")), factories.toString());
            }
            for (ViewerSession s : sessions) {
                s.close();
            }
            System.gc(); // native wrappers from the answers are collected here: nothing may be freed twice
            Thread.sleep(200);
            assertEquals(2, p.status().encoders());
        }
    }

    /**
     * Passthrough over a real WebRTC connection (a second webrtcbin plays the browser, on
     * 127.0.0.1): what leaves each viewer's appsrc into its payloader is byte for byte what the
     * eye's encoder produced, from an IDR with SPS/PPS on, without a gap; RTP arrives; and every
     * packet carries the payload type and SSRC that the answer gave its m-line.
     */
    @Test
    void viewersGetTheEncodersAccessUnitsUnchanged() throws Exception {
        Assumptions.assumeTrue(IceAgentSetup.onlyLoopback(),
                "needs a loopback-only network namespace so that ICE stays on 127.0.0.1 (scripts/test.sh)");
        try (DualTrackPipeline p = new DualTrackPipeline(testConfig());
             LoopbackReceiver receiver = new LoopbackReceiver()) {
            p.start();
            Map<Eye, List<String>> produced = new EnumMap<>(Eye.class);
            Map<Eye, List<String>> startUnits = new EnumMap<>(Eye.class);
            for (Eye eye : Eye.values()) {
                List<String> all = Collections.synchronizedList(new ArrayList<>());
                List<String> starts = Collections.synchronizedList(new ArrayList<>());
                produced.put(eye, all);
                startUnits.put(eye, starts);
                p.broadcaster(eye).tap(au -> {
                    String h = sha(ByteBuffer.wrap(au.data()));
                    all.add(h);
                    if (au.isSelfContainedStart()) {
                        starts.add(h);
                    }
                });
            }
            Map<Eye, List<String>> received = new EnumMap<>(Eye.class);
            Map<Eye, Set<String>> sent = new EnumMap<>(Eye.class); // RTP header fields seen
            List<Pad.PROBE> probes = new ArrayList<>();
            p.onViewerBuilt(v -> {
                for (Eye eye : Eye.values()) {
                    Set<String> headers = Collections.synchronizedSet(new TreeSet<>());
                    sent.put(eye, headers);
                    Pad.PROBE rtpHeaders = (pad, info) -> {
                        Buffer b = info.getBuffer();
                        ByteBuffer rtp = b.map(false).order(ByteOrder.BIG_ENDIAN); // JNA maps native order
                        try {
                            headers.add("pt " + (rtp.get(1) & 0x7f) + " ssrc " + Integer.toUnsignedLong(rtp.getInt(8)));
                        } finally {
                            b.unmap();
                        }
                        return PadProbeReturn.OK;
                    };
                    probes.add(rtpHeaders); // held: a collected callback would unhook the probe
                    v.pipeline().getElementByName("pay_" + eye.key()).getStaticPad("src")
                            .addProbe(PadProbeType.BUFFER, rtpHeaders);
                    List<String> list = Collections.synchronizedList(new ArrayList<>());
                    received.put(eye, list);
                    v.appsrc(eye).getStaticPad("src").addProbe(PadProbeType.BUFFER, (pad, info) -> {
                        Buffer b = info.getBuffer();
                        ByteBuffer bytes = b.map(false);
                        try {
                            list.add(sha(bytes));
                        } finally {
                            b.unmap();
                        }
                        return PadProbeReturn.OK;
                    });
                }
            });
            ViewerSession session = p.connect(receiver.offer());
            receiver.accept(session.answerSdp());
            Thread.sleep(3000);
            session.close();
            List<Answered> answer = answered(session.answerSdp());
            for (Eye eye : Eye.values()) {
                Answered a = answer.get(eye.id());
                assertEquals(1, a.ssrcs().size(), session.answerSdp());
                assertEquals(Set.of("pt " + a.pt() + " ssrc " + a.ssrcs().iterator().next()),
                        sent.get(eye), eye + ": every RTP packet carries the answered payload type and SSRC");
            }
            for (Eye eye : Eye.values()) {
                List<String> viewerUnits = List.copyOf(received.get(eye));
                List<String> encoderUnits = List.copyOf(produced.get(eye));
                assertTrue(viewerUnits.size() >= 45, eye + ": the viewer got " + viewerUnits.size() + " units in 3 s");
                assertTrue(startUnits.get(eye).contains(viewerUnits.get(0)),
                        eye + ": a viewer starts at an IDR with SPS/PPS, exactly as encoded");
                int at = encoderUnits.indexOf(viewerUnits.get(0));
                assertEquals(encoderUnits.subList(at, at + viewerUnits.size()), viewerUnits,
                        eye + ": the payloader received exactly the encoder's access units, in order, none lost");
                assertTrue(receiver.packets[eye.id()].get() >= viewerUnits.size() / 2,
                        eye + ": RTP reached the receiver (" + receiver.packets[eye.id()].get() + " packets)");
            }
        }
    }

    @Test
    void forceKeyUnitFromAViewerMakesTheEncoderSendAnIdrRateLimited() throws Exception {
        try (DualTrackPipeline p = new DualTrackPipeline(testConfig())) {
            p.start();
            List<DualTrackViewer> built = new ArrayList<>();
            p.onViewerBuilt(built::add);
            ViewerSession a = p.connect(offer());
            ViewerSession b = p.connect(offer());
            Thread.sleep(600); // the join IDRs are out and the rate-limit window is over
            List<Long> idrs = Collections.synchronizedList(new ArrayList<>());
            p.broadcaster(Eye.RIGHT).tap(au -> {
                if (au.isIdr()) {
                    idrs.add(System.nanoTime());
                }
            });
            long forcedBefore = p.keyframes(Eye.RIGHT).forced();
            long t0 = System.nanoTime();
            // What webrtcbin does on a PLI: a force-key-unit event upstream from the payloader.
            for (int i = 0; i < 5; i++) {
                for (DualTrackViewer v : built) {
                    Element pay = v.pipeline().getElementByName("pay_right");
                    ForceKeyUnit.requestUpstream(pay.getStaticPad("src"));
                }
            }
            Thread.sleep(150);
            assertEquals(1, idrs.size(), "ten PLIs within the window: one IDR (GOP is 300 frames)");
            assertTrue(idrs.get(0) - t0 < 150_000_000L, "and it came at once");
            assertEquals(forcedBefore + 1, p.keyframes(Eye.RIGHT).forced());
            assertTrue(p.keyframes(Eye.RIGHT).requests() >= 10);
            assertEquals(0, p.keyframes(Eye.LEFT).isPending() ? 1 : 0, "the left eye was not asked");
            a.close();
            b.close();
        }
    }

    @Test
    void aMissingV4l2DeviceIsAClearErrorAndLeavesNothingOpen() throws Exception {
        StereoConfig c = config("""
                  left: {source: v4l2, device: /dev/video-stereo-missing}
                  right: {source: test}
                """);
        try (DualTrackPipeline p = new DualTrackPipeline(c)) {
            StereoException e = assertThrows(StereoException.class, p::start);
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("/dev/video-stereo-missing"), e.getMessage());
            assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
            assertEquals("error", p.status().state());
            assertEquals(0, p.status().encoders(), "the encoders opened before the failure were closed");
            assertThrows(StereoException.class, () -> p.connect(offer()));
        }
    }

    @Test
    void noCameraForLibcameraIsAClearError() throws Exception {
        StereoConfig c = config("""
                  left: {source: test}
                  right: {source: libcamera, device: "/base/no/such/camera"}
                """);
        try (DualTrackPipeline p = new DualTrackPipeline(c)) {
            StereoException e = assertThrows(StereoException.class, p::start);
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("libcamera camera /base/no/such/camera (right eye)"), e.getMessage());
            assertEquals(0, p.status().encoders());
        }
    }

    @Test
    void sideBySideIsRefusedWithTheReason() throws Exception {
        StereoConfig c = ConfigLoader.parse("""
                stream: {width: 320, height: 240, fps: 30, layout: side-by-side}
                cameras:
                  left: {source: test}
                  right: {source: test}
                """, Path.of("test.yaml"));
        try (DualTrackPipeline p = new DualTrackPipeline(c)) {
            StereoException e = assertThrows(StereoException.class, p::start);
            assertTrue(e.getMessage().contains("option3"), e.getMessage());
        }
    }
}
