package dev.stereo.app.thermal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a Linux thermal zone file ({@code /sys/class/thermal/thermal_zone0/temp} is the SoC on a
 * Pi): one integer, millidegrees Celsius. Tests point it at a plain file they rewrite.
 */
public final class ThermalSensor {

    private final Path file;

    public ThermalSensor(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * @return degrees Celsius
     * @throws IOException when the file is missing or does not hold millidegrees
     */
    public double readCelsius() throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(text) / 1000.0;
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold a temperature in millidegrees Celsius: \""
                    + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "\"");
        }
    }
}
