package dev.stereo.core;

/** The two eyes. {@link #id()} is the eye id carried by the latency probe (PROBE.md). */
public enum Eye {
    LEFT(0), RIGHT(1);

    private final int id;

    Eye(int id) { this.id = id; }

    /** Probe eye id: 0 = left, 1 = right. Also the index of the eye's m-line in dual-track SDP. */
    public int id() { return id; }

    /** Lower-case name used in metric tags, JSON and config keys ("left", "right"). */
    public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
}
