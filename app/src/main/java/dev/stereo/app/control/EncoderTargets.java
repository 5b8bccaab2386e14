package dev.stereo.app.control;

/**
 * What the encoders should produce right now: bitrate per eye and the frame rate both eyes are
 * captured and encoded at.
 *
 * @param leftMbps  left-eye target bitrate, Mbit/s
 * @param rightMbps right-eye target bitrate, Mbit/s
 * @param fps       frames per second for both eyes
 */
public record EncoderTargets(double leftMbps, double rightMbps, int fps) {}
