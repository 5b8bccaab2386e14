package dev.stereo.dualtrack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts an H.264 Annex-B byte stream, fed in arbitrary chunks, into access units (one coded
 * picture each, H.264 §7.4.1.2.3) and hands each to a consumer as soon as it is known to be
 * complete. Pure Java, no native code.
 *
 * <p>Where an access unit ends: a new one starts with an AUD, SEI, SPS, PPS (or types 14–18), or
 * with a slice whose {@code first_mb_in_slice} is 0, once the current unit has a slice. So the
 * slices of a multi-slice picture (x264 sliced threads) stay together, and SPS/PPS/SEI in front
 * of an IDR belong to the IDR's unit. A unit is therefore normally emitted when the first bytes
 * of the <em>next</em> one arrive; a producer that knows its chunk ended on a picture boundary
 * (one encoder packet = one picture) calls {@link #flush()} to emit at once instead of a frame
 * later.
 *
 * <p>Robustness: 3- and 4-byte start codes; NAL units split anywhere across chunks; bytes before
 * the first start code are dropped; buffering never exceeds {@code maxUnitBytes} (a unit that
 * would grow past it is dropped and the splitter resyncs at the next start code). After any
 * dropped data the next unit carries {@link AccessUnit#afterGap()}, so the fan-out restarts
 * viewers at an IDR instead of feeding a decoder references it never had. No exception escapes
 * {@link #feed} or {@link #flush()} for any input (only the consumer's own).
 *
 * <p>Bytes are kept exactly: a unit's {@link AccessUnit#data()} is the input from its first start
 * code to the start code of the next unit, so passthrough viewers get what the encoder wrote.
 *
 * <p>Not thread-safe: one producer thread feeds it (the encoder thread or the external encoder's
 * reader thread); the consumer runs on that thread.
 */
public final class AnnexBSplitter {

    /** Default cap on one access unit: far above any real picture (a 4K IDR at 100 Mbit is ~2 MB). */
    public static final int DEFAULT_MAX_UNIT_BYTES = 8 << 20;

    private final Consumer<AccessUnit> sink;
    private final int maxUnitBytes;

    private byte[] buf = new byte[64 * 1024];
    private int len;
    /** Next index at which a start code ({@code 00 00 01}) may begin. */
    private int scan;
    /** True once buf[0] is the first start code of the current unit. */
    private boolean synced;
    private final List<NalUnit> nals = new ArrayList<>();
    private boolean unitHasVcl;
    /** The NAL unit being received: start code begin and payload begin; -1 when none is open. */
    private int openStart = -1;
    private int openPayload = -1;
    /** Bytes before this index belong to NAL units already seen (payload or closed units). */
    private int floor;
    private boolean openClassified;
    private int openType;
    private long unitNanos;
    private long unitEpochMs;
    private long feedNanos;
    private long feedEpochMs;
    private boolean pendingGap;

    private long droppedBytes;
    private long resyncs;
    private long emitted;

    /** @param sink receives each complete access unit, on the feeding thread */
    public AnnexBSplitter(Consumer<AccessUnit> sink) {
        this(sink, DEFAULT_MAX_UNIT_BYTES);
    }

    /**
     * @param sink receives each complete access unit, on the feeding thread
     * @param maxUnitBytes most bytes buffered for one access unit (at least 16)
     */
    public AnnexBSplitter(Consumer<AccessUnit> sink, int maxUnitBytes) {
        if (maxUnitBytes < 16) {
            throw new IllegalArgumentException("maxUnitBytes must be >= 16, got " + maxUnitBytes);
        }
        this.sink = sink;
        this.maxUnitBytes = maxUnitBytes;
    }

    /**
     * Feeds the next chunk of the stream.
     *
     * @param captureNanos capture instant ({@link System#nanoTime()} clock) of an access unit whose
     *     first start code is in this chunk
     * @param captureEpochMs the same instant in epoch milliseconds
     */
    public void feed(byte[] chunk, int off, int n, long captureNanos, long captureEpochMs) {
        feedNanos = captureNanos;
        feedEpochMs = captureEpochMs;
        while (n > 0) {
            int room = maxUnitBytes - len;
            if (room <= 0) {
                overflow();
                room = maxUnitBytes - len;
            }
            int take = Math.min(room, n);
            append(chunk, off, take);
            off += take;
            n -= take;
            try {
                process();
            } catch (RuntimeException e) {
                if (consumerFailed) {
                    consumerFailed = false;
                    throw e; // the consumer's own failure: ours to pass on, not to hide
                }
                // A bug here must not take the stream down: drop what we have and resync.
                discardAll();
            }
        }
    }

    /** {@link #feed(byte[], int, int, long, long)} of a whole array. */
    public void feed(byte[] chunk, long captureNanos, long captureEpochMs) {
        feed(chunk, 0, chunk.length, captureNanos, captureEpochMs);
    }

    /**
     * The stream fed so far ends on a picture boundary: emits the pending access unit now. A
     * pending unit without any slice (e.g. an encoder's separate SPS/PPS packet) is kept and
     * joins the next picture's unit.
     */
    public void flush() {
        if (!synced || openStart < 0) {
            return;
        }
        try {
            if (!openClassified) {
                classifyOpen(true);
            }
            closeOpen(len);
            floor = len; // zeros fed later belong to the next start code, not to this unit's NALs
            if (unitHasVcl) {
                emit(len);
                // Nothing is left; the next chunk must begin with a start code (else: a gap).
                synced = false;
            }
        } catch (RuntimeException e) {
            if (consumerFailed) {
                consumerFailed = false;
                throw e;
            }
            discardAll();
        }
    }

    /**
     * Forgets everything buffered (e.g. the external encoder restarted); the next unit is marked
     * {@link AccessUnit#afterGap()}.
     */
    public void reset() {
        discardAll();
    }

    /** Bytes dropped so far (garbage before a start code, oversized or abandoned units). */
    public long droppedBytes() {
        return droppedBytes;
    }

    /** Times the splitter had to drop a unit and look for the next start code. */
    public long resyncs() {
        return resyncs;
    }

    /** Access units emitted so far. */
    public long emitted() {
        return emitted;
    }

    /** Bytes currently buffered (never more than {@code maxUnitBytes}). */
    public int buffered() {
        return len;
    }

    // ---- internals ----

    /** Set while the consumer's exception unwinds through our code. */
    private boolean consumerFailed;

    private void append(byte[] chunk, int off, int n) {
        if (len + n > buf.length) {
            int cap = buf.length;
            while (cap < len + n) {
                cap *= 2;
            }
            buf = Arrays.copyOf(buf, Math.min(cap, Math.max(maxUnitBytes, 16)));
        }
        System.arraycopy(chunk, off, buf, len, n);
        len += n;
    }

    /** Finds start codes in the new bytes and advances the NAL/unit state. */
    private void process() {
        if (!synced) {
            int z = findStartCode(0);
            if (z < 0) {
                // Keep the last 3 bytes: a start code may span into the next chunk.
                int keep = Math.min(len, 3);
                drop(len - keep);
                scan = 0;
                return;
            }
            int begin = z > 0 && buf[z - 1] == 0 ? z - 1 : z;
            drop(begin);
            synced = true;
            unitNanos = feedNanos;
            unitEpochMs = feedEpochMs;
            openStart = 0;
            openPayload = (z - begin) + 3;
            openClassified = false;
            floor = openPayload;
            scan = openPayload;
        }
        while (true) {
            if (openStart >= 0 && !openClassified) {
                classifyOpen(false);
            }
            int z = findStartCode(scan);
            if (z < 0) {
                scan = Math.max(scan, len - 2);
                return;
            }
            if (openStart >= 0 && !openClassified) {
                // Only reachable for a NAL too short to classify: decide now, then look again
                // (classifying may emit a unit and move the buffer).
                classifyOpen(true);
                continue;
            }
            // A zero just before 00 00 01 is the 4-byte start code's, unless it is NAL payload.
            int begin = z > floor && buf[z - 1] == 0 ? z - 1 : z;
            closeOpen(begin);
            openStart = begin;
            openPayload = z + 3;
            openClassified = false;
            floor = openPayload;
            scan = openPayload;
        }
    }

    /** First index >= from where {@code 00 00 01} begins within the buffered bytes, or -1. */
    private int findStartCode(int from) {
        int last = len - 3;
        int i = Math.max(from, 0);
        while (i <= last) {
            byte b2 = buf[i + 2];
            if (b2 > 1 || b2 < 0) {
                i += 3; // no start code can include this byte as its 00 or end here
            } else if (b2 == 1 && buf[i] == 0 && buf[i + 1] == 0) {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * Reads the open NAL's header (and first_mb_in_slice for slices) and, if it starts a new
     * access unit, emits the current one. With {@code force} decides on what is there.
     */
    private void classifyOpen(boolean force) {
        int p = openPayload;
        if (p >= len) {
            if (!force) {
                return;
            }
            openType = -1; // empty NAL unit (start code at the very end)
            openClassified = true;
            return;
        }
        int type = buf[p] & 0x1F;
        boolean firstMbZero;
        if (NalUnit.isVcl(type)) {
            if (p + 1 >= len) {
                if (!force) {
                    return;
                }
                firstMbZero = false;
            } else {
                // first_mb_in_slice is ue(v) starting at the first payload bit: 0 <=> bit is 1.
                // This byte can never be an emulation-prevention byte (needs two zeros before it
                // inside the payload).
                firstMbZero = (buf[p + 1] & 0x80) != 0;
            }
        } else {
            firstMbZero = false;
        }
        openType = type;
        openClassified = true;
        if (unitHasVcl && startsUnit(type, firstMbZero)) {
            emit(openStart);
        }
    }

    private static boolean startsUnit(int type, boolean firstMbZero) {
        return switch (type) {
            case NalUnit.SEI, NalUnit.SPS, NalUnit.PPS, NalUnit.AUD, 14, 15, 16, 17, 18 -> true;
            case NalUnit.SLICE, 2, 3, 4, NalUnit.IDR -> firstMbZero;
            default -> false;
        };
    }

    /** The open NAL unit ends at {@code end} (where the next start code begins). */
    private void closeOpen(int end) {
        if (openStart < 0) {
            return;
        }
        int e = end;
        while (e > openPayload && buf[e - 1] == 0) {
            e--; // trailing_zero_8bits are not part of the NAL unit
        }
        if (e > openPayload && openType >= 0) {
            nals.add(new NalUnit(openType, openPayload, e - openPayload));
            unitHasVcl |= NalUnit.isVcl(openType);
        }
        openStart = -1;
        openPayload = -1;
        openClassified = false;
    }

    /** Emits buf[0, end) as an access unit and moves the rest to the front. */
    private void emit(int end) {
        byte[] data = Arrays.copyOfRange(buf, 0, end);
        AccessUnit au = new AccessUnit(data, nals, unitNanos, unitEpochMs, pendingGap);
        pendingGap = false;
        nals.clear();
        unitHasVcl = false;
        shift(end);
        unitNanos = feedNanos;
        unitEpochMs = feedEpochMs;
        emitted++;
        try {
            sink.accept(au);
        } catch (RuntimeException e) {
            consumerFailed = true;
            throw e;
        }
    }

    /** Removes buf[0, n), keeping indices consistent. */
    private void shift(int n) {
        if (n <= 0) {
            return;
        }
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
        scan = Math.max(0, scan - n);
        floor = Math.max(0, floor - n);
        if (openStart >= 0) {
            openStart -= n;
            openPayload -= n;
        }
    }

    /** Drops leading bytes that belong to no unit. */
    private void drop(int n) {
        if (n > 0) {
            droppedBytes += n;
            pendingGap = true;
            shift(n);
        }
    }

    /** The unit outgrew the cap: drop it and look for the next start code. */
    private void overflow() {
        resyncs++;
        if (!synced) {
            drop(Math.max(0, len - 3));
            return;
        }
        discardAll();
    }

    private void discardAll() {
        droppedBytes += len;
        len = 0;
        scan = 0;
        floor = 0;
        synced = false;
        nals.clear();
        unitHasVcl = false;
        openStart = -1;
        openPayload = -1;
        openClassified = false;
        pendingGap = true;
    }
}
