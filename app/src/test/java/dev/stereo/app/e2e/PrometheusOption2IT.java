package dev.stereo.app.e2e;

/** {@link PrometheusIT}'s checks against option2 (FFmpeg encoders, dual-track passthrough). */
class PrometheusOption2IT extends PrometheusIT {

    @Override
    String pipeline() {
        return "option2";
    }
}
