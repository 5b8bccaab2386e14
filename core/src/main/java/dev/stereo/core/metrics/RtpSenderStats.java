package dev.stereo.core.metrics;

/**
 * One viewer's figures for one sent track, from webrtcbin's {@code get-stats}: the outbound-rtp
 * entry (what we sent and the feedback the viewer sent us) joined with the remote-inbound-rtp
 * entry of the same SSRC (what the viewer's receiver reports, RTCP RR). Figures the viewer has
 * not reported yet are 0 (counts) or NaN (jitter, round-trip time).
 *
 * @param ssrc the track's RTP SSRC
 * @param packetsSent RTP packets sent
 * @param bytesSent RTP payload bytes sent
 * @param packetsLost cumulative packets lost, as the viewer reports it
 * @param jitterSeconds interarrival jitter the viewer reports
 * @param roundTripSeconds round-trip time computed from RTCP RR/SR
 * @param nackCount NACKs received from the viewer
 * @param pliCount PLIs received from the viewer
 * @param firCount FIRs received from the viewer
 */
public record RtpSenderStats(long ssrc, long packetsSent, long bytesSent, long packetsLost, double jitterSeconds,
                             double roundTripSeconds, long nackCount, long pliCount, long firCount) {}
