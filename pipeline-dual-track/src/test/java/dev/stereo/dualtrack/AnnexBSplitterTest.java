package dev.stereo.dualtrack;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.stereo.dualtrack.H264Samples.AUD;
import static dev.stereo.dualtrack.H264Samples.PPS;
import static dev.stereo.dualtrack.H264Samples.SC3;
import static dev.stereo.dualtrack.H264Samples.SC4;
import static dev.stereo.dualtrack.H264Samples.SEI;
import static dev.stereo.dualtrack.H264Samples.SPS;
import static dev.stereo.dualtrack.H264Samples.idrSlice;
import static dev.stereo.dualtrack.H264Samples.pSlice;
import static dev.stereo.dualtrack.H264Samples.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnnexBSplitterTest {

    private final List<AccessUnit> out = new ArrayList<>();
    private AnnexBSplitter splitter = new AnnexBSplitter(out::add);

    /** Three pictures: IDR in 2 slices with AUD/SPS/PPS/SEI, P in 2 slices, P in 1 slice. */
    private static final byte[] PIC1 = stream(SC4, AUD, SC4, SPS, SC4, PPS, SC3, SEI,
            SC4, idrSlice(true, 300, 1), SC3, idrSlice(false, 200, 2));
    private static final byte[] PIC2 = stream(SC4, AUD, SC3, pSlice(true, 120, 3), SC3, pSlice(false, 90, 4));
    private static final byte[] PIC3 = stream(SC4, pSlice(true, 150, 5));
    private static final byte[] THREE = stream(PIC1, PIC2, PIC3);

    private static List<Integer> types(AccessUnit au) {
        return au.nals().stream().map(NalUnit::type).toList();
    }

    @Test
    void cutsAtAudSpsAndFirstSliceKeepingEveryByte() {
        splitter.feed(THREE, 1, 1000);
        assertEquals(2, out.size(), "the third picture is pending until its end is known");
        splitter.flush();
        assertEquals(3, out.size());
        assertArrayEquals(PIC1, out.get(0).data());
        assertArrayEquals(PIC2, out.get(1).data());
        assertArrayEquals(PIC3, out.get(2).data());
        assertEquals(List.of(9, 7, 8, 6, 5, 5), types(out.get(0)));
        assertEquals(List.of(9, 1, 1), types(out.get(1)));
        assertEquals(List.of(1), types(out.get(2)));
        assertTrue(out.get(0).isIdr() && out.get(0).hasSps() && out.get(0).hasPps());
        assertTrue(out.get(0).isSelfContainedStart());
        assertFalse(out.get(1).isIdr() || out.get(1).hasSps());
        assertFalse(out.get(0).afterGap());
        assertEquals(1, out.get(0).captureNanos());
        assertEquals(1000, out.get(0).captureEpochMs());
    }

    @Test
    void nalOffsetsExcludeStartCodesAndTrailingZeros() {
        byte[] slice = pSlice(true, 40, 9);
        splitter.feed(stream(SC4, SPS, new byte[] {0, 0}, SC3, slice), 0, 0);
        splitter.flush();
        AccessUnit au = out.get(0);
        NalUnit sps = au.nals().get(0);
        assertEquals(4, sps.offset());
        assertEquals(SPS.length, sps.length(), "trailing_zero_8bits are not NAL payload");
        assertArrayEquals(SPS, au.nalPayload(NalUnit.SPS));
        NalUnit p = au.nals().get(1);
        assertArrayEquals(slice, Arrays.copyOfRange(au.data(), p.offset(), p.offset() + p.length()));
    }

    @Test
    void anyChunkingGivesTheSameUnitsAsOneChunk() {
        splitter.feed(THREE, 0, 0);
        splitter.flush();
        List<AccessUnit> whole = List.copyOf(out);
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            out.clear();
            splitter = new AnnexBSplitter(out::add);
            int at = 0;
            while (at < THREE.length) {
                int n = round == 0 ? 1 : 1 + random.nextInt(round % 2 == 0 ? 5 : 200);
                n = Math.min(n, THREE.length - at);
                splitter.feed(THREE, at, n, 0, 0);
                at += n;
            }
            splitter.flush();
            assertEquals(whole.size(), out.size(), "round " + round);
            for (int i = 0; i < whole.size(); i++) {
                assertArrayEquals(whole.get(i).data(), out.get(i).data(), "round " + round + " unit " + i);
                assertEquals(whole.get(i).nals(), out.get(i).nals(), "round " + round + " unit " + i);
            }
        }
    }

    @Test
    void startCodeSplitAcrossReadsIsFound() {
        byte[] a = stream(SC4, idrSlice(true, 50, 1), new byte[] {0, 0});
        byte[] b = stream(new byte[] {0, 1}, pSlice(true, 50, 2), SC3, pSlice(true, 60, 3));
        splitter.feed(a, 0, 0);
        assertEquals(0, out.size());
        splitter.feed(b, 0, 0);
        assertEquals(2, out.size(), "IDR and first P are complete once the second P's header arrived");
        assertTrue(out.get(0).isIdr());
        assertEquals(List.of(1), types(out.get(1)));
        assertArrayEquals(stream(SC4, idrSlice(true, 50, 1)), out.get(0).data());
        assertArrayEquals(stream(SC4, pSlice(true, 50, 2)), out.get(1).data(),
                "the 4-byte start code split 2+2 belongs to the second unit");
    }

    @Test
    void headerByteSplitFromFirstMbByteDefersTheDecision() {
        byte[] s = stream(SC4, pSlice(true, 30, 1), SC4, pSlice(false, 30, 2), SC4, pSlice(true, 30, 3));
        int secondHeader = 4 + 30 + 4;
        splitter.feed(s, 0, secondHeader + 1, 0, 0); // ends right after the second slice's header byte
        assertEquals(0, out.size(), "cannot know yet whether slice 2 starts a picture");
        splitter.feed(s, secondHeader + 1, s.length - secondHeader - 1, 0, 0);
        assertEquals(1, out.size());
        assertEquals(List.of(1, 1), types(out.get(0)), "slice 2 (first_mb != 0) joins picture 1");
        splitter.flush();
        assertEquals(2, out.size());
    }

    @Test
    void manySlicesPerPictureStayTogether() {
        List<Object> parts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            parts.add(i % 2 == 0 ? SC3 : SC4);
            parts.add(idrSlice(i == 0, 40 + i, i));
        }
        byte[] pic = stream(parts.toArray());
        splitter.feed(stream(pic, SC4, pSlice(true, 30, 99)), 0, 0);
        assertEquals(1, out.size());
        assertEquals(8, out.get(0).nals().size());
        assertArrayEquals(pic, out.get(0).data());
    }

    @Test
    void seiOrSpsAfterASliceStartsTheNextUnit() {
        splitter.feed(stream(SC4, pSlice(true, 20, 1), SC4, SEI, SC4, pSlice(true, 20, 2),
                SC4, SPS, SC4, PPS, SC4, idrSlice(true, 20, 3)), 0, 0);
        splitter.flush();
        assertEquals(3, out.size());
        assertEquals(List.of(1), types(out.get(0)));
        assertEquals(List.of(6, 1), types(out.get(1)));
        assertEquals(List.of(7, 8, 5), types(out.get(2)));
    }

    @Test
    void flushEmitsAtOnceAndKeepsParameterSetsForTheNextPicture() {
        // An encoder that hands out SPS/PPS as a packet of their own (v4l2 m2m does).
        splitter.feed(stream(SC4, SPS, SC4, PPS), 5, 50);
        splitter.flush();
        assertEquals(0, out.size(), "a unit without a picture is not emitted");
        splitter.feed(stream(SC4, idrSlice(true, 100, 1)), 6, 60);
        splitter.flush();
        assertEquals(1, out.size());
        assertEquals(List.of(7, 8, 5), types(out.get(0)));
        assertTrue(out.get(0).isSelfContainedStart());
        assertFalse(out.get(0).afterGap());
        splitter.feed(stream(SC4, pSlice(true, 100, 2)), 7, 70);
        splitter.flush();
        assertEquals(2, out.size());
        assertEquals(7, out.get(1).captureNanos());
        assertEquals(70, out.get(1).captureEpochMs());
        assertFalse(out.get(1).afterGap());
    }

    @Test
    void garbageBeforeTheFirstStartCodeIsDroppedAndFlagged() {
        splitter.feed(stream(new byte[] {5, 6, 7, 0, 9}, SC4, idrSlice(true, 30, 1)), 0, 0);
        splitter.flush();
        assertEquals(1, out.size());
        assertTrue(out.get(0).afterGap());
        assertEquals(5, splitter.droppedBytes());
    }

    @Test
    void dataAfterAFlushThatDoesNotStartWithAStartCodeIsAGap() {
        byte[] idr = stream(SC4, idrSlice(true, 60, 1));
        splitter.feed(idr, 0, 30, 0, 0);
        splitter.flush(); // premature (idle heuristic): emits a truncated picture
        splitter.feed(idr, 30, idr.length - 30, 0, 0); // the rest of it
        splitter.feed(stream(SC4, pSlice(true, 20, 2)), 0, 0);
        splitter.flush();
        assertEquals(2, out.size());
        assertFalse(out.get(0).afterGap());
        assertTrue(out.get(1).afterGap(), "the continuation had to be dropped");
    }

    @Test
    void truncatedInputNeverThrows() {
        for (int cut = 0; cut <= THREE.length; cut++) {
            List<AccessUnit> got = new ArrayList<>();
            AnnexBSplitter s = new AnnexBSplitter(got::add);
            s.feed(THREE, 0, cut, 0, 0);
            s.flush();
            s.flush();
            int total = got.stream().mapToInt(AccessUnit::size).sum();
            assertTrue(total <= cut, "never invents bytes");
            s.reset();
            s.feed(PIC1, 0, 0);
            s.flush();
            AccessUnit last = got.get(got.size() - 1);
            assertArrayEquals(PIC1, last.data(), "works again after reset (cut " + cut + ")");
            assertTrue(last.afterGap());
        }
    }

    @Test
    void randomInputNeverThrowsAndStaysBounded() {
        Random random = new Random(7);
        int cap = 4096;
        List<AccessUnit> got = new ArrayList<>();
        AnnexBSplitter s = new AnnexBSplitter(got::add, cap);
        byte[] chunk = new byte[3000];
        for (int i = 0; i < 3000; i++) {
            int n = random.nextInt(chunk.length);
            for (int j = 0; j < n; j++) {
                // Many zeros and ones so start codes and odd headers appear often.
                int r = random.nextInt(10);
                chunk[j] = (byte) (r < 4 ? 0 : r < 6 ? 1 : random.nextInt(256));
            }
            s.feed(chunk, 0, n, i, i);
            if (random.nextInt(5) == 0) {
                s.flush();
            }
            assertTrue(s.buffered() <= cap, "buffered " + s.buffered());
        }
        for (AccessUnit au : got) {
            assertTrue(au.size() <= cap);
            for (NalUnit nal : au.nals()) {
                assertTrue(nal.offset() >= 0 && nal.offset() + nal.length() <= au.size());
            }
        }
        // And a clean stream afterwards is parsed normally again.
        s.reset();
        s.feed(THREE, 0, 0);
        s.flush();
        assertArrayEquals(PIC3, got.get(got.size() - 1).data());
        assertArrayEquals(PIC2, got.get(got.size() - 2).data());
    }

    @Test
    void oversizedUnitIsDroppedAndTheStreamResyncs() {
        List<AccessUnit> got = new ArrayList<>();
        AnnexBSplitter s = new AnnexBSplitter(got::add, 256);
        byte[] big = stream(SC4, idrSlice(true, 1000, 1));
        byte[] next = stream(SC4, SPS, SC4, PPS, SC4, idrSlice(true, 100, 2));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(PIC2);
        all.writeBytes(big);
        all.writeBytes(next);
        all.writeBytes(PIC3);
        byte[] bytes = all.toByteArray();
        for (int at = 0; at < bytes.length; at += 64) {
            s.feed(bytes, at, Math.min(64, bytes.length - at), 0, 0);
            assertTrue(s.buffered() <= 256);
        }
        s.flush();
        assertTrue(s.resyncs() >= 1);
        assertArrayEquals(PIC2, got.get(0).data());
        AccessUnit resumed = got.stream().filter(AccessUnit::isIdr).findFirst().orElseThrow();
        assertArrayEquals(next, resumed.data());
        assertTrue(resumed.afterGap());
        assertArrayEquals(PIC3, got.get(got.size() - 1).data());
    }

    @Test
    void consumerExceptionsPropagateAndTheSplitterGoesOn() {
        RuntimeException boom = new IllegalStateException("consumer failed");
        List<AccessUnit> got = new ArrayList<>();
        AnnexBSplitter s = new AnnexBSplitter(au -> {
            got.add(au);
            if (got.size() == 1) {
                throw boom;
            }
        });
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> s.feed(THREE, 0, 0));
        assertSame(boom, thrown);
        s.feed(PIC1, 0, 0);
        s.flush();
        assertTrue(got.size() >= 2);
    }

    @Test
    void withParameterSetsPutsSpsPpsInFront() {
        splitter.feed(stream(SC4, idrSlice(true, 40, 1)), 3, 30);
        splitter.flush();
        AccessUnit idr = out.get(0);
        AccessUnit full = idr.withParameterSets(SPS, PPS);
        assertTrue(full.isSelfContainedStart());
        assertArrayEquals(stream(SC4, SPS, SC4, PPS, idr.data()), full.data());
        assertEquals(List.of(7, 8, 5), types(full));
        assertArrayEquals(SPS, full.nalPayload(NalUnit.SPS));
        assertEquals(3, full.captureNanos());
        // and it re-parses to the same thing
        List<AccessUnit> again = new ArrayList<>();
        AnnexBSplitter s = new AnnexBSplitter(again::add);
        s.feed(full.data(), 0, 0);
        s.flush();
        assertEquals(full.nals(), again.get(0).nals());
    }
}
