package dev.stereo.gst;

import dev.stereo.calibration.StereoConfig;
import dev.stereo.calibration.StereoConfig.CameraConfig;
import dev.stereo.calibration.StereoConfig.SourceType;
import dev.stereo.core.Eye;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The option3 graph as gst-launch text, up to one tee per encoded track. Pure: the same text is
 * what {@code stereo pipeline --print} shows and what {@link GraphPipeline} parses, so the printed
 * graph is exactly the one that runs. Viewer branches are added at run time (see
 * {@link #viewerBranch}).
 *
 * <p>Named elements the pipeline looks up: {@code src_<eye>} (appsrc for the test source),
 * {@code shader_<eye>} (GL rectification) or {@code crop_<eye>}, {@code flip_<eye>},
 * {@code align_<eye>} (CPU geometry), {@code enc_<track>}, {@code tee_<track>}; {@code <track>} is
 * the eye key in dual-track layout and {@code sbs} in side-by-side.
 *
 * @param sources resolved source per eye (never AUTO)
 * @param devices device per eye (libcamera camera name/index or V4L2 path), may be null
 * @param gl whether the GL path is used for geometry
 */
public record GraphDescription(StereoConfig config, EncoderChoice encoder, Map<Eye, SourceType> sources,
                               Map<Eye, String> devices, boolean gl) {

    /** The tee names viewers attach to, in m-line order. */
    public List<String> tracks() {
        return config.stream().layout() == StereoConfig.Layout.SIDE_BY_SIDE ? List.of("sbs")
                : List.of(Eye.LEFT.key(), Eye.RIGHT.key());
    }

    /** The whole graph, one chain per line (gst-launch accepts newlines as spaces). */
    public String launch() {
        var s = config.stream();
        List<String> chains = new ArrayList<>();
        boolean sbs = s.layout() == StereoConfig.Layout.SIDE_BY_SIDE;
        for (Eye eye : Eye.values()) {
            String chain = source(eye) + " ! " + geometry(eye);
            if (sbs) {
                chain += " ! sbs.sink_" + eye.id();
            } else {
                chain += " ! " + encode(eye.key(), config.camera(eye), s.fps());
            }
            chains.add(chain);
        }
        if (sbs) {
            // latency=0 with live inputs: the compositor outputs as soon as both eyes are in.
            chains.add("compositor name=sbs background=black latency=0 sink_0::xpos=0 sink_1::xpos=" + s.width()
                    + " ! video/x-raw,width=" + (2 * s.width()) + ",height=" + s.height()
                    + " ! " + encode("sbs", config.left(), s.fps()));
        }
        return String.join("\n", chains);
    }

    private String source(Eye eye) {
        var s = config.stream();
        String raw = "video/x-raw,format=I420,width=" + s.width() + ",height=" + s.height()
                + ",framerate=" + s.fps() + "/1";
        CameraConfig cam = config.camera(eye);
        String device = devices.get(eye);
        return switch (sources.get(eye)) {
            // leaky-type=downstream: if the graph falls behind, old frames go, never latency.
            case TEST -> "appsrc name=src_" + eye.key() + " is-live=true format=time do-timestamp=false"
                    + " max-buffers=2 leaky-type=downstream caps=" + raw;
            case LIBCAMERA -> "libcamerasrc name=src_" + eye.key()
                    + (device == null ? "" : " camera-name=\"" + device + "\"")
                    + " ! video/x-raw,format=NV12,width=" + cam.capture().width() + ",height="
                    + cam.capture().height() + ",framerate=" + s.fps() + "/1";
            case V4L2 -> "v4l2src name=src_" + eye.key() + " device=" + (device == null ? "/dev/video0" : device)
                    + " io-mode=dmabuf ! video/x-raw,framerate=" + s.fps() + "/1";
            case AUTO -> throw new IllegalStateException("source must be resolved before building the graph");
        };
    }

    /**
     * Crop, flip/rotate, alignment and scale to the stream size. The GL shader when this eye needs
     * geometry and GL works; otherwise CPU elements, which are built even for identity geometry
     * (then every one of them is in passthrough: no copy, no cost) so that a live calibration
     * change (crop, flip, rotation, offset) only sets their properties, see
     * {@link #cpuGeometry(StereoConfig.CameraConfig, int, int)}.
     */
    private String geometry(Eye eye) {
        var s = config.stream();
        CameraConfig cam = config.camera(eye);
        boolean test = sources.get(eye) == SourceType.TEST;
        var out = outputSize(config, eye);
        String toStream = "video/x-raw,format=I420,width=" + out.width() + ",height=" + out.height();
        if (gl && !cam.isIdentityGeometry()) {
            // Fragment source and uniforms are set by GraphPipeline from RectifyShader after parsing.
            return "glupload ! glcolorconvert ! glshader name=shader_" + eye.key()
                    + " ! glcolorconvert ! gldownload ! videoconvertscale ! " + toStream;
        }
        boolean rescale = out.width() != s.width() || out.height() != s.height();
        String head = cam.isIdentityGeometry() && test && !rescale
                ? "queue name=geo_" + eye.key() + " max-size-buffers=1 leaky=downstream ! " : "";
        Map<String, String> p = cpuGeometry(cam, test ? s.width() : cam.capture().width(),
                test ? s.height() : cam.capture().height());
        // Negative videobox margins add border: shifting right = border left, crop right. A live
        // change sets its margins one by one, and a frame between two of them has another size:
        // the scaler after it (passthrough otherwise) absorbs that instead of failing negotiation.
        return head + "videocrop name=crop_" + eye.key() + " left=" + p.get("crop.left") + " top=" + p.get("crop.top")
                + " right=" + p.get("crop.right") + " bottom=" + p.get("crop.bottom")
                + " ! videoflip name=flip_" + eye.key() + " method=" + p.get("flip.method")
                + " ! videoconvertscale ! " + toStream
                + " ! videobox name=align_" + eye.key() + " left=" + p.get("align.left") + " right=" + p.get("align.right")
                + " top=" + p.get("align.top") + " bottom=" + p.get("align.bottom") + " ! videoconvertscale ! " + toStream;
    }

    /**
     * The CPU geometry elements' properties for a camera, keyed {@code element.property} with
     * element {@code crop} (videocrop), {@code flip} (videoflip) or {@code align} (videobox): used
     * to build the graph and, live, to set them again after a calibration change.
     *
     * @param inW width of the frames entering videocrop (capture size, or stream size for the test source)
     * @param inH their height
     */
    static Map<String, String> cpuGeometry(CameraConfig cam, int inW, int inH) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        var c = cam.crop();
        int w = c.width() == 0 ? inW - c.x() : c.width();
        int h = c.height() == 0 ? inH - c.y() : c.height();
        p.put("crop.left", Integer.toString(c.x()));
        p.put("crop.top", Integer.toString(c.y()));
        p.put("crop.right", Integer.toString(Math.max(0, inW - c.x() - w)));
        p.put("crop.bottom", Integer.toString(Math.max(0, inH - c.y() - h)));
        p.put("flip.method", flipMethod(cam));
        p.put("align.left", Integer.toString(-cam.offsetX()));
        p.put("align.right", Integer.toString(cam.offsetX()));
        p.put("align.top", Integer.toString(-cam.offsetY()));
        p.put("align.bottom", Integer.toString(cam.offsetY()));
        return p;
    }

    /** The size an eye is encoded at: its camera's output_size, else the stream size. */
    static StereoConfig.Size outputSize(StereoConfig config, Eye eye) {
        var o = config.camera(eye).outputSize();
        return o != null ? o : new StereoConfig.Size(config.stream().width(), config.stream().height());
    }

    /** videoflip method for the net effect of flips and rotation (180° = both flips). */
    static String flipMethod(CameraConfig cam) {
        boolean h = cam.flipHorizontal() ^ (cam.rotation() == 180);
        boolean v = cam.flipVertical() ^ (cam.rotation() == 180);
        if (h && v) {
            return "rotate-180";
        }
        return h ? "horizontal-flip" : v ? "vertical-flip" : "none";
    }

    private String encode(String track, CameraConfig cam, int fps) {
        // The leaky queue in front of the encoder drops a frame rather than queueing latency when
        // the encoder falls behind; h264parse config-interval=-1 puts SPS/PPS before every IDR.
        return "queue name=encq_" + track + " max-size-buffers=1 max-size-bytes=0 max-size-time=0 leaky=downstream"
                + " ! " + encoder.launch("enc_" + track, cam, fps)
                + " ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au"
                + " ! tee name=tee_" + track + " allow-not-linked=true"
                + " ! queue leaky=downstream max-size-buffers=1 ! fakesink name=idle_" + track
                + " sync=false async=false";
    }

    /** One viewer's branch for one track, as gst-launch text (for --print and documentation). */
    public static String viewerBranch(String track, int payloadType) {
        return "tee_" + track + ". ! queue leaky=downstream max-size-buffers=30 max-size-bytes=0 max-size-time=0"
                + " ! rtph264pay pt=" + payloadType + " mtu=1200 aggregate-mode=zero-latency config-interval=0"
                + " ! webrtcbin.sink_%u";
    }
}
