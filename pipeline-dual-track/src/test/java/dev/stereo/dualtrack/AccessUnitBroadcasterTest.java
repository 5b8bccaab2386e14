package dev.stereo.dualtrack;

import dev.stereo.dualtrack.AccessUnitBroadcaster.Subscription;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.stereo.dualtrack.H264Samples.PPS;
import static dev.stereo.dualtrack.H264Samples.SC4;
import static dev.stereo.dualtrack.H264Samples.SPS;
import static dev.stereo.dualtrack.H264Samples.idrSlice;
import static dev.stereo.dualtrack.H264Samples.pSlice;
import static dev.stereo.dualtrack.H264Samples.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessUnitBroadcasterTest {

    private final AtomicInteger keyframeRequests = new AtomicInteger();
    private final AccessUnitBroadcaster broadcaster = new AccessUnitBroadcaster("left", keyframeRequests::incrementAndGet);

    /** Parses bytes into one access unit whose captureNanos is {@code seq}. */
    static AccessUnit unit(byte[] data, long seq, boolean afterGap) {
        List<AccessUnit> out = new ArrayList<>();
        AnnexBSplitter s = new AnnexBSplitter(out::add);
        s.feed(data, seq, seq);
        s.flush();
        AccessUnit au = out.get(0);
        return new AccessUnit(au.data(), au.nals(), seq, seq, afterGap);
    }

    static AccessUnit idrWithHeaders(long seq) {
        return unit(stream(SC4, SPS, SC4, PPS, SC4, idrSlice(true, 80, (int) seq)), seq, false);
    }

    static AccessUnit bareIdr(long seq) {
        return unit(stream(SC4, idrSlice(true, 80, (int) seq)), seq, false);
    }

    static AccessUnit p(long seq) {
        return unit(stream(SC4, pSlice(true, 40, (int) seq)), seq, false);
    }

    @Test
    void newSubscriberStartsAtTheNextIdrAndAsksForOne() {
        broadcaster.publish(idrWithHeaders(0));
        broadcaster.publish(p(1));
        Subscription sub = broadcaster.subscribe(8);
        assertEquals(1, keyframeRequests.get(), "joining asks for an IDR");
        broadcaster.publish(p(2));
        assertNull(sub.poll(), "a P-frame cannot start a decoder");
        assertTrue(sub.isWaitingForIdr());
        AccessUnit idr = idrWithHeaders(3);
        broadcaster.publish(idr);
        broadcaster.publish(p(4));
        assertSame(idr, sub.poll(), "an IDR with SPS/PPS is passed through untouched");
        assertEquals(4, sub.poll().captureNanos());
        assertNull(sub.poll());
        assertEquals(1, sub.dropped());
        assertEquals(2, sub.delivered());
    }

    @Test
    void cachedParameterSetsArePutInFrontOfABareIdrForNewSubscribersOnly() {
        broadcaster.publish(idrWithHeaders(0)); // sps_pps_mode "once": only the first IDR has them
        Subscription early = broadcaster.subscribe(8);
        broadcaster.publish(idrWithHeaders(1));
        Subscription late = broadcaster.subscribe(8);
        AccessUnit bare = bareIdr(2);
        broadcaster.publish(bare);
        assertEquals(1, early.poll().captureNanos());
        assertSame(bare, early.poll(), "a running viewer already has the parameter sets");
        AccessUnit first = late.poll();
        assertTrue(first.isSelfContainedStart());
        assertArrayEquals(stream(SC4, SPS, SC4, PPS, bare.data()), first.data());
        assertEquals(2, first.captureNanos());
    }

    @Test
    void aBareIdrCannotStartAnyoneBeforeParameterSetsWereSeen() {
        Subscription sub = broadcaster.subscribe(8);
        broadcaster.publish(bareIdr(0));
        assertNull(sub.poll());
        broadcaster.publish(idrWithHeaders(1));
        assertEquals(1, sub.poll().captureNanos());
    }

    @Test
    void overflowDropsUntilTheNextIdrAndRecoveryAsksForOne() {
        Subscription sub = broadcaster.subscribe(3);
        broadcaster.publish(idrWithHeaders(0));
        for (int i = 1; i <= 10; i++) {
            broadcaster.publish(p(i));
        }
        assertEquals(3, sub.queued());
        assertEquals(1, sub.overflows());
        assertTrue(sub.isWaitingForIdr());
        int before = keyframeRequests.get();
        assertEquals(0, sub.poll().captureNanos());
        assertEquals(1, sub.poll().captureNanos());
        assertEquals(2, sub.poll().captureNanos(), "what was queued before the overflow still decodes");
        assertEquals(before, keyframeRequests.get());
        assertNull(sub.poll());
        assertEquals(before + 1, keyframeRequests.get(), "reading again with an empty queue asks for an IDR");
        assertNull(sub.poll());
        assertEquals(before + 1, keyframeRequests.get(), "once");
        broadcaster.publish(p(11));
        broadcaster.publish(idrWithHeaders(12));
        broadcaster.publish(p(13));
        assertEquals(12, sub.poll().captureNanos());
        assertEquals(13, sub.poll().captureNanos());
        assertFalse(sub.isWaitingForIdr());
    }

    @Test
    void aGapUpstreamSendsEveryoneBackToAnIdr() {
        Subscription a = broadcaster.subscribe(8);
        Subscription b = broadcaster.subscribe(8);
        broadcaster.publish(idrWithHeaders(0));
        int before = keyframeRequests.get();
        broadcaster.publish(unit(stream(SC4, pSlice(true, 40, 1)), 1, true));
        assertEquals(before + 1, keyframeRequests.get(), "one request for everybody");
        broadcaster.publish(p(2));
        broadcaster.publish(idrWithHeaders(3));
        for (Subscription s : List.of(a, b)) {
            assertEquals(0, s.poll().captureNanos());
            assertEquals(3, s.poll().captureNanos());
            assertNull(s.poll());
        }
    }

    @Test
    void closedSubscriptionIsDetachedAndEmpty() {
        Subscription sub = broadcaster.subscribe(8);
        broadcaster.publish(idrWithHeaders(0));
        sub.close();
        sub.close();
        assertEquals(0, broadcaster.subscribers());
        assertNull(sub.poll());
        broadcaster.publish(p(1));
        assertEquals(0, sub.queued());
    }

    /**
     * Three viewers, one of which stops reading for a while: the other two get every unit, the
     * producer never waits, and the stalled one resumes at an IDR with SPS/PPS and then gets a
     * gap-free run.
     */
    @Test
    void stalledViewerNeverHoldsUpTheOthersAndResumesAtAnIdr() throws Exception {
        int total = 400;
        AtomicBoolean idrWanted = new AtomicBoolean();
        AccessUnitBroadcaster b = new AccessUnitBroadcaster("right", () -> idrWanted.set(true));
        // Readers get room for the whole run, so a reader descheduled on a busy machine never
        // overflows; only the stalled viewer's small queue can (and must) overflow.
        Subscription[] subs = {b.subscribe(total), b.subscribe(total), b.subscribe(8)};
        List<List<AccessUnit>> got = List.of(Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()), Collections.synchronizedList(new ArrayList<>()));
        CountDownLatch stallOver = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int v = i;
            Thread t = new Thread(() -> {
                try {
                    if (v == 2) {
                        stallOver.await(); // the stalled viewer: not reading at all until released
                    }
                    while (!done.get() || subs[v].queued() > 0) {
                        AccessUnit au = subs[v].take(20, TimeUnit.MILLISECONDS);
                        if (au != null) {
                            got.get(v).add(au);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "reader-" + i);
            t.start();
            readers.add(t);
        }
        long worstPublishNanos = 0;
        for (int seq = 0; seq < total; seq++) {
            // An encoder: IDR every 60 frames, or at once when asked (as KeyframeRequests would).
            boolean idr = seq % 60 == 0 || idrWanted.getAndSet(false);
            AccessUnit au = idr ? idrWithHeaders(seq) : p(seq);
            long t0 = System.nanoTime();
            b.publish(au);
            worstPublishNanos = Math.max(worstPublishNanos, System.nanoTime() - t0);
            if (seq == 150) {
                stallOver.countDown();
            }
            Thread.sleep(1);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join(5000);
        }
        for (int v = 0; v < 2; v++) {
            assertEquals(total, got.get(v).size(), "viewer " + v + " got every unit");
            assertEquals(0, subs[v].dropped());
            for (int i = 0; i < total; i++) {
                assertEquals(i, got.get(v).get(i).captureNanos());
            }
        }
        List<AccessUnit> stalled = got.get(2);
        assertTrue(subs[2].overflows() >= 1);
        // Before the stall: the first IDR and the 7 units after it (queue of 8), gap-free.
        assertEquals(0, stalled.get(0).captureNanos());
        for (int i = 1; i < 8; i++) {
            assertEquals(i, stalled.get(i).captureNanos());
        }
        AccessUnit resumed = stalled.get(8);
        assertTrue(resumed.isSelfContainedStart(), "resumes at an IDR with SPS/PPS: " + resumed);
        assertTrue(resumed.captureNanos() > 150 && resumed.captureNanos() < 180,
                "resumed at " + resumed.captureNanos() + ": the recovery asked for an IDR instead of waiting for the GOP");
        for (int i = 9; i < stalled.size(); i++) {
            assertEquals(stalled.get(i - 1).captureNanos() + 1, stalled.get(i).captureNanos(), "gap-free after resuming");
        }
        assertEquals(total - 1, stalled.get(stalled.size() - 1).captureNanos());
        assertTrue(worstPublishNanos < TimeUnit.MILLISECONDS.toNanos(50),
                "publish never waits on a viewer (worst " + worstPublishNanos / 1000 + " us)");
        assertNotNull(b.sps());
    }
}
