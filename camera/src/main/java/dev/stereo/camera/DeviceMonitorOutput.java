package dev.stereo.camera;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text that {@code gst-device-monitor-1.0} prints, and picks out the libcamera
 * cameras. The format (gst-plugins-base {@code tools/gst-device-monitor.c}) is one block per
 * device:
 *
 * <pre>
 * Device found:
 *
 * 	name  : /base/axi/pcie@120000/rp1/i2c@88000/imx708@1a
 * 	class : Source/Video
 * 	caps  : video/x-raw, format=NV12, width=...
 * 	        ...
 * 	properties:
 * 		key = value
 * 	gst-launch-1.0 libcamerasrc camera-name=... ! ...
 * </pre>
 *
 * Cameras come from two providers: libcamera's own ({@code libcamerasrc} launch line,
 * {@code camera-name} = camera id; it hides the plain v4l2 provider) and PipeWire's, when a
 * PipeWire daemon runs ({@code object.path = libcamera:<id>} or {@code api.libcamera.path}).
 * Both may list the same camera; the libcamerasrc entry wins. Value quoting differs between
 * GStreamer releases (1.22 prints GStreamer-serialised {@code "..."} with backslash escapes,
 * newer ones shell-quote {@code '...'}); both are understood.
 *
 * <p>Pure functions; any thread.
 */
final class DeviceMonitorOutput {

    /** One parsed block. */
    record Device(String name, String deviceClass, Map<String, String> properties, String launchLine) {}

    private static final Pattern FIELD = Pattern.compile("^\\t(name|class)\\s*:\\s?(.*)$");
    private static final Pattern PROPERTY = Pattern.compile("^\\t\\t([^\\s=]+) = (.*)$");
    private static final Pattern TYPE_SUFFIX = Pattern.compile("^(.*) \\((?:g[a-z0-9]+|Gst[A-Za-z0-9]+)\\)$");
    private static final String LAUNCH = "gst-launch-1.0 ";

    private DeviceMonitorOutput() {}

    static List<Device> parse(String text) {
        List<Device> devices = new ArrayList<>();
        Builder current = null;
        boolean inProperties = false;
        for (String raw : text.split("\\R")) {
            if (raw.startsWith("Device found:") || raw.startsWith("Device modified:")) {
                if (current != null) {
                    devices.add(current.build());
                }
                current = new Builder();
                inProperties = false;
                continue;
            }
            if (raw.startsWith("Device removed:")) {
                if (current != null) {
                    devices.add(current.build());
                }
                current = null; // its name line follows; nothing to keep
                continue;
            }
            if (current == null) {
                continue;
            }
            Matcher field = FIELD.matcher(raw);
            if (field.matches()) {
                if (field.group(1).equals("name")) {
                    current.name = field.group(2).trim();
                } else {
                    current.deviceClass = field.group(2).trim();
                }
                inProperties = false;
                continue;
            }
            if (raw.startsWith("\tproperties:")) {
                inProperties = true;
                continue;
            }
            String trimmed = raw.trim();
            if (trimmed.startsWith(LAUNCH)) {
                current.launchLine = trimmed.substring(LAUNCH.length());
                inProperties = false;
                continue;
            }
            if (inProperties) {
                Matcher p = PROPERTY.matcher(raw);
                if (p.matches()) {
                    current.properties.put(p.group(1), propertyValue(p.group(2)));
                }
            }
        }
        if (current != null) {
            devices.add(current.build());
        }
        return devices;
    }

    /** The libcamera cameras in the monitor's output, de-duplicated by camera id. */
    static List<CameraInfo> libcameraCameras(String text) {
        List<Device> devices = parse(text);
        Map<String, CameraInfo> byId = new LinkedHashMap<>();
        // libcamerasrc entries first: they carry the exact camera-name to configure.
        for (Device d : devices) {
            if ("libcamerasrc".equals(factory(d.launchLine()))) {
                String id = launchProperty(d.launchLine(), "camera-name");
                if (id == null || id.isEmpty()) {
                    id = d.name();
                }
                byId.putIfAbsent(id, new CameraInfo(CameraInfo.LIBCAMERA, id, friendlyName(d, id),
                        "libcamerasrc camera-name=" + id + extras(d)));
            }
        }
        for (Device d : devices) {
            String id = pipewireLibcameraId(d);
            if (id != null && !byId.containsKey(id)) {
                String node = d.properties().getOrDefault("node.name", "");
                byId.put(id, new CameraInfo(CameraInfo.LIBCAMERA, id, friendlyName(d, id),
                        "libcamera camera seen through PipeWire"
                                + (node.isEmpty() ? "" : " (node " + node + ")")
                                + "; libcamerasrc camera-name=" + id + extras(d)));
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static String pipewireLibcameraId(Device d) {
        Map<String, String> p = d.properties();
        String path = p.get("api.libcamera.path");
        if (path != null && !path.isEmpty()) {
            return path;
        }
        String object = p.get("object.path");
        if (object != null && object.startsWith("libcamera:")) {
            return object.substring("libcamera:".length());
        }
        return null;
    }

    /** Sensor model when known ("imx708"), else the last path element of the id without "@addr". */
    private static String friendlyName(Device d, String id) {
        Map<String, String> p = d.properties();
        for (String key : new String[] {"api.libcamera.Model", "api.libcamera.model", "node.description",
                                        "device.product.name"}) {
            String v = p.get(key);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        String last = id.substring(id.lastIndexOf('/') + 1);
        int at = last.indexOf('@');
        String sensor = at > 0 ? last.substring(0, at) : last;
        return sensor.isEmpty() ? d.name() : sensor;
    }

    /** Location and rotation when the provider reports them (newer libcamera releases do). */
    private static String extras(Device d) {
        Set<String> parts = new LinkedHashSet<>();
        d.properties().forEach((k, v) -> {
            String key = k.toLowerCase(Locale.ROOT);
            if (key.equals("api.libcamera.location") || key.equals("api.libcamera.rotation")) {
                parts.add(k.substring("api.libcamera.".length()).toLowerCase(Locale.ROOT) + " " + v);
            }
        });
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String factory(String launchLine) {
        if (launchLine == null) {
            return null;
        }
        int end = 0;
        while (end < launchLine.length() && !Character.isWhitespace(launchLine.charAt(end))) {
            end++;
        }
        return launchLine.substring(0, end);
    }

    /** Value of {@code key=...} in a launch line, unquoted (shell and GStreamer quoting). */
    static String launchProperty(String launchLine, String key) {
        if (launchLine == null) {
            return null;
        }
        String needle = " " + key + "=";
        int i = launchLine.indexOf(needle);
        if (i < 0) {
            return null;
        }
        return unquoteWord(launchLine, i + needle.length());
    }

    /**
     * Reads one shell-like word starting at {@code from}: single quotes are literal, double quotes
     * and bare text take backslash escapes ({@code \@} in GStreamer 1.22's serialisation).
     */
    private static String unquoteWord(String s, int from) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    out.append(c);
                }
            } else if (c == '\\' && i + 1 < s.length()) {
                out.append(s.charAt(++i));
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    out.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (Character.isWhitespace(c)) {
                break;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A property value: unquotes GStreamer-serialised strings, drops a " (gtype)" suffix. */
    private static String propertyValue(String v) {
        String s = v.trim();
        if (s.startsWith("\"")) {
            return unquoteWord(s, 0);
        }
        Matcher m = TYPE_SUFFIX.matcher(s);
        return m.matches() ? m.group(1) : s;
    }

    private static final class Builder {
        String name = "";
        String deviceClass = "";
        final Map<String, String> properties = new LinkedHashMap<>();
        String launchLine;

        Device build() {
            return new Device(name, deviceClass, Collections.unmodifiableMap(new LinkedHashMap<>(properties)), launchLine);
        }
    }
}
