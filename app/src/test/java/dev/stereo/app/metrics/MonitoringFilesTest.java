package dev.stereo.app.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stereo.core.metrics.MetricNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitoring files shipped in {@code deploy/}: the Grafana dashboard is valid JSON whose every
 * query names only series the appliance really exposes, and the example Prometheus configuration
 * passes {@code promtool check config} (promtool comes with the Debian package {@code prometheus}).
 */
class MonitoringFilesTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path DASHBOARD = REPO.resolve("deploy/grafana/stereo-dashboard.json");
    static final Path SCRAPE_CONFIG = REPO.resolve("deploy/prometheus/prometheus.yml");
    static final Path PROMTOOL = Path.of(System.getProperty("promtool.bin", "/usr/bin/promtool"));
    /** Series names in PromQL: ours and the process-wide ones (Micrometer binders). */
    static final Pattern SERIES = Pattern.compile("\\b((?:stereo|process|system|jvm)_[a-z0-9_]+)");

    @TempDir Path tmp;

    @Test
    void everySeriesTheDashboardQueriesIsExposed() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("stereo-appliance", dash.path("uid").asText());
        Set<String> known = known();
        Set<String> used = new TreeSet<>();
        int targets = 0;
        for (JsonNode panel : dash.path("panels")) {
            assertTrue(panel.path("gridPos").has("w"), "panel without layout: " + panel.path("title"));
            for (JsonNode target : panel.path("targets")) {
                targets++;
                Matcher m = SERIES.matcher(target.path("expr").asText());
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        assertTrue(targets >= 20 && used.size() >= 20, "the dashboard queries " + used);
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(known);
        assertEquals(Set.of(), unknown, "queried by the dashboard but exposed by nobody");
        for (String required : MetricNames.PER_VIEWER) {
            assertTrue(used.contains(required), "the dashboard shows " + required);
        }
    }

    /**
     * Names the appliance exposes: every MetricNames constant (with the histogram suffixes for
     * the two histograms) and every series of the real process-wide registry.
     */
    static Set<String> known() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Field f : MetricNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        for (String histogram : new String[] {MetricNames.ENCODE_DURATION, MetricNames.CAPTURE_TO_SEND}) {
            for (String suffix : new String[] {"_bucket", "_sum", "_count", "_max"}) {
                names.add(histogram + suffix);
            }
        }
        String scrape = ApplianceMetrics.create(null).scrape();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    @Test
    void theExampleScrapeConfigPassesPromtool() throws Exception {
        assertEquals(0, promtool(SCRAPE_CONFIG).exit, promtool(SCRAPE_CONFIG).output);
        String text = Files.readString(SCRAPE_CONFIG);
        assertTrue(text.contains("metrics_path: /metrics") && text.contains("scheme: https"), text);

        // The check can fail: the same file with a typo in a key is refused.
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, text.replace("scrape_interval:", "scrape_intervall:"));
        Result r = promtool(broken);
        assertNotEquals(0, r.exit, "promtool accepted a misspelt key:\n" + r.output);
    }

    record Result(int exit, String output) {}

    static Result promtool(Path config) throws Exception {
        if (!Files.isExecutable(PROMTOOL)) {
            throw new IllegalStateException(PROMTOOL + " is missing: install the Debian package 'prometheus' "
                    + "(scripts/install-deps.sh --test does), or point -Dpromtool.bin at promtool");
        }
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "config", config.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish within 30 s:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }
}
