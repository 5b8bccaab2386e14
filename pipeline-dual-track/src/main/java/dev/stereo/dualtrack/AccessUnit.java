package dev.stereo.dualtrack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One coded picture in Annex-B form: every NAL unit of it with its start code, exactly as the
 * encoder wrote them, plus what the fan-out needs to know without re-parsing (IDR? SPS/PPS in
 * front?) and when the picture was captured.
 *
 * <p>Immutable and shared: the same instance goes to every viewer's queue, so nobody may write
 * into {@link #data()}.
 */
public final class AccessUnit {

    private static final byte[] START_CODE = {0, 0, 0, 1};

    private final byte[] data;
    private final List<NalUnit> nals;
    private final boolean idr;
    private final boolean hasSps;
    private final boolean hasPps;
    private final long captureNanos;
    private final long captureEpochMs;
    private final boolean afterGap;

    /**
     * @param data Annex-B bytes (start codes included); not copied, must not change afterwards
     * @param nals the NAL units in {@code data}, in order
     * @param captureNanos capture instant on the {@link System#nanoTime()} clock (RTP timing)
     * @param captureEpochMs capture instant in epoch milliseconds (the latency probe's clock)
     * @param afterGap data was lost just before this unit (a resync or a restarted encoder):
     *     decoding must restart at an IDR
     */
    public AccessUnit(byte[] data, List<NalUnit> nals, long captureNanos, long captureEpochMs, boolean afterGap) {
        this.data = data;
        this.nals = List.copyOf(nals);
        boolean i = false;
        boolean s = false;
        boolean p = false;
        for (NalUnit n : this.nals) {
            i |= n.type() == NalUnit.IDR;
            s |= n.type() == NalUnit.SPS;
            p |= n.type() == NalUnit.PPS;
        }
        this.idr = i;
        this.hasSps = s;
        this.hasPps = p;
        this.captureNanos = captureNanos;
        this.captureEpochMs = captureEpochMs;
        this.afterGap = afterGap;
    }

    /** The Annex-B bytes. Shared: read only. */
    public byte[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public List<NalUnit> nals() {
        return nals;
    }

    /** Contains an IDR slice: a decoder can start here (given SPS/PPS). */
    public boolean isIdr() {
        return idr;
    }

    public boolean hasSps() {
        return hasSps;
    }

    public boolean hasPps() {
        return hasPps;
    }

    /** A decoder that has nothing yet can start decoding at this unit. */
    public boolean isSelfContainedStart() {
        return idr && hasSps && hasPps;
    }

    public long captureNanos() {
        return captureNanos;
    }

    public long captureEpochMs() {
        return captureEpochMs;
    }

    public boolean afterGap() {
        return afterGap;
    }

    /** Copy of the payload (header byte onwards) of the first NAL of {@code type}, or null. */
    public byte[] nalPayload(int type) {
        for (NalUnit n : nals) {
            if (n.type() == type) {
                return Arrays.copyOfRange(data, n.offset(), n.offset() + n.length());
            }
        }
        return null;
    }

    /**
     * This unit with SPS and PPS NAL units (payloads, no start codes) put in front, for a viewer
     * that starts at an IDR which lacks them (sps_pps_mode "once"). Returns a new instance; this
     * one is unchanged.
     */
    public AccessUnit withParameterSets(byte[] sps, byte[] pps) {
        int prefix = START_CODE.length * 2 + sps.length + pps.length;
        byte[] out = new byte[prefix + data.length];
        int at = 0;
        List<NalUnit> list = new ArrayList<>(nals.size() + 2);
        for (byte[] nal : new byte[][] {sps, pps}) {
            System.arraycopy(START_CODE, 0, out, at, START_CODE.length);
            at += START_CODE.length;
            System.arraycopy(nal, 0, out, at, nal.length);
            list.add(new NalUnit(nal[0] & 0x1F, at, nal.length));
            at += nal.length;
        }
        System.arraycopy(data, 0, out, at, data.length);
        for (NalUnit n : nals) {
            list.add(new NalUnit(n.type(), n.offset() + prefix, n.length()));
        }
        return new AccessUnit(out, list, captureNanos, captureEpochMs, afterGap);
    }

    @Override
    public String toString() {
        StringBuilder types = new StringBuilder();
        for (NalUnit n : nals) {
            types.append(types.length() == 0 ? "" : ",").append(n.type());
        }
        return "AccessUnit[" + data.length + " B, nals " + types + (idr ? ", IDR" : "")
                + (afterGap ? ", after gap" : "") + "]";
    }
}
