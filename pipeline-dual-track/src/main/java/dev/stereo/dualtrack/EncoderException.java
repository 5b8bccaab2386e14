package dev.stereo.dualtrack;

import dev.stereo.core.StereoException;

/** The encoder failed: the eye's stream stops and the pipeline reports state "error" with this message. */
public class EncoderException extends StereoException {
    public EncoderException(String message) {
        super(message);
    }
}
