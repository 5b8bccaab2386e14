package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.camera.TestScene;
import dev.stereo.core.Eye;
import dev.stereo.core.probe.ProbeStamp;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real FFmpeg encoder on this machine (libx264 here: no V4L2 M2M device). */
class FfmpegEncoderTest {

    static final int W = 320;
    static final int H = 240;

    private static List<AccessUnit> encode(FfmpegEncoder enc, int frames, int forceAt, long epoch0) throws Exception {
        TestScene scene = new TestScene(Eye.LEFT, W, H);
        ByteBuffer frame = ByteBuffer.allocateDirect(TestScene.frameBytes(W, H));
        List<AccessUnit> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            scene.render(frame, i);
            ProbeStamp.stampI420(frame, W, H, epoch0 + i, Eye.LEFT.id(), false);
            int before = out.size();
            enc.encode(frame, i, 1000L + i, epoch0 + i, i == forceAt, out::add);
            assertEquals(before + 1, out.size(), "zerolatency: frame " + i + " comes out at once");
        }
        return out;
    }

    @Test
    void encodesTestFramesWithIdrParameterSetsAndHonoursAForcedIdr() throws Exception {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 300, 300, SpsPpsMode.EVERY_IDR);
        List<AccessUnit> units;
        try (FfmpegEncoder enc = FfmpegEncoder.open(s)) {
            System.out.println("encoder: " + enc.choice());
            assertEquals("libx264", enc.choice().codec(), enc.choice().reason());
            assertTrue(enc.choice().reason().contains("h264_v4l2m2m"), "says why the hardware encoder was not used");
            units = encode(enc, 30, 15, 1_700_000_000_000L);
            assertEquals(30, enc.framesIn());
            assertEquals(30, enc.unitsOut());
        }
        AccessUnit first = units.get(0);
        assertTrue(first.isIdr() && first.hasSps() && first.hasPps(), "first unit: " + first);
        assertTrue(units.get(15).isSelfContainedStart(), "forced frame is an IDR with SPS/PPS: " + units.get(15));
        for (int i = 1; i < 30; i++) {
            if (i != 15) {
                assertFalse(units.get(i).isIdr(), "frame " + i + " should be a P-frame (GOP 300)");
            }
            assertEquals(1000L + i, units.get(i).captureNanos(), "capture time follows the frame");
        }
        // SPS says constrained baseline (profile_idc 66, constraint_set1) like the browser's 42e0xx offers.
        byte[] sps = first.nalPayload(NalUnit.SPS);
        assertEquals(66, sps[1] & 0xFF);
        assertTrue((sps[2] & 0x40) != 0, "constraint_set1_flag");
        // Probe stamps survive the encoder: decode and read them back.
        List<ProbeStamp.Decoded> stamps = decodeStamps(units);
        assertEquals(30, stamps.size());
        for (int i = 0; i < 30; i++) {
            assertTrue(stamps.get(i).checksumOk(), "frame " + i);
            assertEquals(1_700_000_000_000L + i, stamps.get(i).epochMs());
            assertEquals(0, stamps.get(i).eyeId());
        }
    }

    @Test
    void spsPpsOnceLeavesThemOutOfLaterIdrs() throws Exception {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 300, 300, SpsPpsMode.ONCE);
        try (FfmpegEncoder enc = FfmpegEncoder.open(s, List.of("libx264"))) {
            List<AccessUnit> units = encode(enc, 20, 10, 1_700_000_000_000L);
            assertTrue(units.get(0).isSelfContainedStart());
            assertTrue(units.get(10).isIdr());
            assertFalse(units.get(10).hasSps(), "sps_pps_mode once: " + units.get(10));
        }
    }

    @Test
    void gopFramesSetsTheIdrInterval() throws Exception {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 10, 10, SpsPpsMode.EVERY_IDR);
        try (FfmpegEncoder enc = FfmpegEncoder.open(s, List.of("libx264"))) {
            List<AccessUnit> units = encode(enc, 25, -1, 1_700_000_000_000L);
            for (int i = 0; i < 25; i++) {
                assertEquals(i % 10 == 0, units.get(i).isIdr(), "frame " + i);
            }
        }
    }

    @Test
    void openh264IsTheLastResortAndAlsoWorks() throws Exception {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 300, 300, SpsPpsMode.EVERY_IDR);
        try (FfmpegEncoder enc = FfmpegEncoder.open(s, List.of("no_such_encoder", "libopenh264"))) {
            assertEquals("libopenh264", enc.choice().codec());
            assertTrue(enc.choice().reason().startsWith("no_such_encoder is not in this FFmpeg build"), enc.choice().reason());
            List<AccessUnit> units = encode(enc, 10, 5, 1_700_000_000_000L);
            assertTrue(units.get(0).isIdr());
            assertTrue(units.get(5).isIdr(), "forced IDR: " + units.get(5));
        }
    }

    @Test
    void probeSaysWhichEncoderAndWhyWithoutKeepingItOpen() throws Exception {
        java.util.Map<Eye, CodecChoice> choices = DualTrackPipeline.probeEncoders(DualTrackPipelineTest.testConfig(),
                DualTrackOptions.defaults());
        System.out.println("stereo check would say: " + choices);
        assertEquals("libx264", choices.get(Eye.LEFT).codec());
        assertEquals(choices.get(Eye.LEFT), choices.get(Eye.RIGHT));
        assertTrue(choices.get(Eye.LEFT).reason().contains("h264_v4l2m2m did not open"));
    }

    @Test
    void noUsableEncoderIsAClearError() {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 30, 30, SpsPpsMode.EVERY_IDR);
        EncoderException e = assertThrows(EncoderException.class,
                () -> FfmpegEncoder.open(s, List.of("no_such_encoder", "h264_v4l2m2m")));
        assertTrue(e.getMessage().contains("no_such_encoder is not in this FFmpeg build"), e.getMessage());
        assertTrue(e.getMessage().contains("h264_v4l2m2m did not open"), e.getMessage());
    }

    @Test
    void closeIsIdempotentAndEncodeAfterCloseFails() throws Exception {
        EncoderSettings s = new EncoderSettings(W, H, 30, 1.0, 30, 30, SpsPpsMode.EVERY_IDR);
        FfmpegEncoder enc = FfmpegEncoder.open(s, List.of("libx264"));
        enc.close();
        enc.close();
        assertThrows(EncoderException.class, () -> enc.encode(ByteBuffer.allocateDirect(W * H * 3 / 2), 0, 0, 0,
                false, au -> { }));
    }

    /** Test-only receiver: FFmpeg's H.264 decoder, then the PROBE.md reader on the luma plane. */
    static List<ProbeStamp.Decoded> decodeStamps(List<AccessUnit> units) {
        List<ProbeStamp.Decoded> stamps = new ArrayList<>();
        AVCodecContext dec = avcodec_alloc_context3(avcodec_find_decoder(AV_CODEC_ID_H264));
        AVPacket pkt = av_packet_alloc();
        AVFrame pic = av_frame_alloc();
        try {
            assertEquals(0, avcodec_open2(dec, avcodec_find_decoder(AV_CODEC_ID_H264), (org.bytedeco.ffmpeg.avutil.AVDictionary) null));
            dec.flags(dec.flags() | org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_LOW_DELAY);
            for (AccessUnit au : units) {
                assertEquals(0, av_new_packet(pkt, au.size()));
                pkt.data().position(0).put(au.data(), 0, au.size());
                assertEquals(0, avcodec_send_packet(dec, pkt));
                org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(pkt);
                while (avcodec_receive_frame(dec, pic) == 0) {
                    int stride = pic.linesize(0);
                    BytePointer y = pic.data(0);
                    byte[] luma = new byte[stride * pic.height()];
                    y.position(0).get(luma);
                    stamps.add(ProbeStamp.decodeLuma(luma, stride, 0, pic.width()));
                }
            }
            avcodec_send_packet(dec, (AVPacket) null);
            while (avcodec_receive_frame(dec, pic) == 0) {
                int stride = pic.linesize(0);
                byte[] luma = new byte[stride * pic.height()];
                pic.data(0).position(0).get(luma);
                stamps.add(ProbeStamp.decodeLuma(luma, stride, 0, pic.width()));
            }
        } finally {
            av_frame_free(pic);
            av_packet_free(pkt);
            avcodec_free_context(dec);
        }
        return stamps;
    }
}
