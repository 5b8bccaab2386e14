package dev.stereo.dualtrack;

import dev.stereo.calibration.StereoConfig.SpsPpsMode;
import dev.stereo.core.Eye;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EyeEncoderTest {

    private static final EncoderSettings SETTINGS = new EncoderSettings(320, 240, 30, 1.0, 300, 300, SpsPpsMode.EVERY_IDR);

    @Test
    void encodesWhatIsPostedAndForcesRequestedIdrs() throws Exception {
        FrameMailbox box = new FrameMailbox(320 * 240 * 3 / 2, 3);
        KeyframeRequests keyframes = new KeyframeRequests(0, System::nanoTime);
        List<AccessUnit> out = new ArrayList<>();
        AccessUnitBroadcaster b = new AccessUnitBroadcaster("left", keyframes::request);
        b.tap(out::add);
        CountDownLatch ten = new CountDownLatch(10);
        b.tap(au -> ten.countDown());
        EyeEncoder enc = new EyeEncoder(Eye.LEFT, FfmpegEncoder.open(SETTINGS, List.of("libx264")), box, keyframes, b,
                e -> { throw new AssertionError(e); });
        enc.start();
        try {
            for (int i = 0; i < 10; i++) {
                if (i == 6) {
                    keyframes.request();
                }
                FrameMailbox.RawFrame f = box.acquire();
                f.captureNanos = System.nanoTime();
                f.captureEpochMs = System.currentTimeMillis();
                box.post(f);
                Thread.sleep(40); // one frame at a time, like a 25 fps camera
            }
            assertTrue(ten.await(5, TimeUnit.SECONDS));
        } finally {
            enc.close();
        }
        assertEquals(10, enc.framesEncoded());
        assertTrue(out.get(0).isIdr());
        assertEquals(2, out.stream().filter(AccessUnit::isIdr).count(), "the first frame and the requested one");
        assertFalse(enc.isAlive(), "closed");
    }

    @Test
    void anEncoderErrorIsReportedOnceAndStopsTheEye() throws Exception {
        FrameMailbox box = new FrameMailbox(320 * 240 * 3 / 2, 3);
        KeyframeRequests keyframes = new KeyframeRequests(0, System::nanoTime);
        FfmpegEncoder broken = FfmpegEncoder.open(SETTINGS, List.of("libx264"));
        broken.close(); // any later encode fails, as a dying hardware encoder would
        List<EncoderException> errors = new ArrayList<>();
        CountDownLatch failed = new CountDownLatch(1);
        EyeEncoder enc = new EyeEncoder(Eye.RIGHT, broken, box, keyframes,
                new AccessUnitBroadcaster("right", keyframes::request), e -> {
                    errors.add(e);
                    failed.countDown();
                });
        enc.start();
        FrameMailbox.RawFrame f = box.acquire();
        box.post(f);
        assertTrue(failed.await(5, TimeUnit.SECONDS));
        Thread.sleep(100);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().startsWith("libx264"), errors.get(0).getMessage());
        assertFalse(enc.isAlive());
        enc.close();
    }

    @Test
    void mailboxKeepsOnlyTheNewestFrame() throws Exception {
        FrameMailbox box = new FrameMailbox(16, 3);
        FrameMailbox.RawFrame a = box.acquire();
        a.captureNanos = 1;
        box.post(a);
        FrameMailbox.RawFrame b = box.acquire();
        b.captureNanos = 2;
        box.post(b); // the encoder was busy: a is dropped, never queued
        assertEquals(1, box.dropped());
        FrameMailbox.RawFrame got = box.take(100);
        assertEquals(2, got.captureNanos);
        assertEquals(null, box.take(10));
        box.release(got);
        box.close();
        assertEquals(null, box.take(1000), "close wakes the consumer");
    }
}
