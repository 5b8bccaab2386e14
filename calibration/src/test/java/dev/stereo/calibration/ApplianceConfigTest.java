package dev.stereo.calibration;

import dev.stereo.calibration.StereoConfig.ApplianceConfig;
import dev.stereo.calibration.StereoConfig.ButtonAction;
import dev.stereo.calibration.StereoConfig.GpioConfig;
import dev.stereo.calibration.StereoConfig.ThermalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The appliance keys: reclaim_on_start, gpio (LED, button) and thermal. */
class ApplianceConfigTest {

    static final Path FILE = Path.of("camera_profiles.yaml");

    private static String only(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
        assertEquals(1, e.errors().size(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void defaultsTouchNoGpioAndProtectAgainstHeat() {
        ApplianceConfig a = ConfigLoader.defaults().appliance();
        assertFalse(a.reclaimOnStart(), "killing other processes is opt-in");
        assertNull(a.gpio().ledPin());
        assertNull(a.gpio().buttonPin());
        assertFalse(a.gpio().any());
        assertEquals(ButtonAction.KEYFRAME, a.gpio().shortPress());
        assertEquals(new ThermalConfig(true, Path.of("/sys/class/thermal/thermal_zone0/temp"), 2, 75, 68, 10, 4, 30),
                a.thermal());
        // The compatibility constructor (callers that predate the appliance keys) gets the same defaults.
        StereoConfig d = ConfigLoader.defaults();
        assertEquals(d, new StereoConfig(null, d.server(), d.stream(), d.left(), d.right()));
    }

    @Test
    void shippedProfileWritesEveryApplianceKey() throws Exception {
        String text = Files.readString(ConfigLoaderTest.SHIPPED);
        for (var keys : List.of(ConfigReader.ROOT_KEYS, ConfigReader.GPIO_KEYS, ConfigReader.THERMAL_KEYS)) {
            for (String key : keys) {
                assertTrue(Pattern.compile("(?m)^ *" + key + ":").matcher(text).find(), "shipped profile lacks " + key);
            }
        }
        assertEquals(ConfigLoader.defaults().appliance(), ConfigLoader.load(ConfigLoaderTest.SHIPPED).appliance());
    }

    @Test
    void everyKeyRoundTrips(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("camera_profiles.yaml");
        Files.writeString(file, """
                reclaim_on_start: true
                gpio:
                  led_pin: 17
                  led_active_low: true
                  button_pin: 27
                  button_active_low: false
                  short_press: layout
                  long_press_ms: 1500
                thermal:
                  enabled: false
                  sensor: fake/temp
                  poll_interval_s: 0.5
                  throttle_c: 70.5
                  resume_c: 60
                  step_interval_s: 0
                  min_bitrate_mbps: 2.5
                  min_fps: 24
                """);
        ApplianceConfig a = ConfigLoader.load(file).appliance();
        assertTrue(a.reclaimOnStart());
        assertEquals(new GpioConfig(17, true, 27, false, ButtonAction.LAYOUT, 1500), a.gpio());
        assertEquals(new ThermalConfig(false, dir.toAbsolutePath().resolve("fake/temp"), 0.5, 70.5, 60, 0, 2.5, 24),
                a.thermal(), "a relative sensor path is relative to the config file");
    }

    @Test
    void nullPinsMeanNoDevice() throws Exception {
        GpioConfig g = ConfigLoader.parse("gpio: {led_pin: null, button_pin: 5}\n", FILE).appliance().gpio();
        assertNull(g.ledPin());
        assertEquals(5, g.buttonPin());
        assertTrue(g.any());
    }

    @Test
    void pinsAreBcmNumbersOnTheHeader() {
        assertEquals("camera_profiles.yaml:1: gpio.led_pin = \"40\": expected a BCM GPIO number between 0 and 27 "
                + "(GPIO17 is 17, not header pin 11), or null for no LED", only("gpio: {led_pin: 40}\n"));
        assertTrue(only("gpio: {button_pin: -1}\n").contains("gpio.button_pin = \"-1\""));
        assertEquals("camera_profiles.yaml:3: gpio.button_pin = \"17\": expected a GPIO other than gpio.led_pin (17)",
                only("gpio:\n  led_pin: 17\n  button_pin: 17\n"));
        assertTrue(only("gpio: {short_press: keyfame}\n").contains("did you mean \"keyframe\"?"));
        assertTrue(only("gpio: {long_press_ms: 100}\n").contains("milliseconds between 300 and 10000"));
        assertTrue(only("gpio: {led: 17}\n").contains("gpio.led: unknown key"));
    }

    @Test
    void resumeMustBeBelowThrottleSoTheStepsDoNotOscillate() {
        assertEquals("camera_profiles.yaml:3: thermal.resume_c = \"80\": expected a temperature below "
                + "thermal.throttle_c (75), e.g. 68", only("thermal:\n  throttle_c: 75\n  resume_c: 80\n"));
        assertTrue(only("thermal: {resume_c: 75}\n").contains("thermal.resume_c"),
                "equal to the default throttle_c is no band at all");
        assertTrue(only("thermal: {throttle_c: 200}\n").contains("between 30 and 110"));
        assertTrue(only("thermal: {min_fps: 0}\n").contains("thermal.min_fps"));
        assertTrue(only("reclaim_on_start: maybe\n").contains("reclaim_on_start = \"maybe\": expected true or false"));
    }

    @Test
    void everyApplianceMistakeIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                reclaim_on_start: 3
                gpio: {led_pin: 99, long_press_ms: 5}
                thermal: {throttle_c: 10, min_bitrate_mbps: 0}
                """, FILE));
        assertEquals(5, e.errors().size(), e.getMessage());
    }
}
