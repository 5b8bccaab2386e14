package dev.stereo.web;

/**
 * What {@code GET/POST /api/stream} act through: the running stream's encoder targets. The app
 * implements it over the same path thermal protection uses, so the web module needs neither the
 * app nor a pipeline. Called on Jetty threads, possibly concurrently: implementations are
 * thread-safe and may block briefly (they change encoder properties, never restart anything).
 */
public interface LiveStream {

    /** The current targets, serialized as the JSON answer (snake_case). Cheap. */
    Object state();

    /**
     * Applies a validated change to the running stream without dropping viewers.
     *
     * @return the state after the change (the answer to the POST)
     * @throws Refused when the running pipeline cannot make this change live (answered 409); nothing
     *                 was changed then
     */
    Object apply(StreamChange change) throws Refused;

    /** The running pipeline cannot make a change live; the message says what and what to do instead. */
    final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }
}
