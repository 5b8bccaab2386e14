package dev.stereo.core;

/** A failure with a message meant for the user (CLI output or HTTP error detail). */
public class StereoException extends Exception {
    public StereoException(String message) { super(message); }
    public StereoException(String message, Throwable cause) { super(message, cause); }
}
