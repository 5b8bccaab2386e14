package dev.stereo.core;

/** The viewer's SDP offer is malformed or asks for something we cannot send. Maps to HTTP 400. */
public class BadOfferException extends StereoException {
    public BadOfferException(String reason) { super(reason); }
}
