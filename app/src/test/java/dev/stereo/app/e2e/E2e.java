package dev.stereo.app.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Shared helpers of the end-to-end tests: the namespace guard, configs, an HTTPS client. */
final class E2e {

    private E2e() {}

    /**
     * Every WebRTC test must run where loopback is the only interface (scripts/test.sh does
     * {@code unshare --net}), so that no ICE check can reach any other address.
     */
    static void requireLoopbackOnlyNamespace() throws IOException {
        // NetworkInterface asks the kernel for this process's namespace (/sys/class/net would show
        // the namespace sysfs was mounted in).
        List<String> interfaces = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())
                .stream().map(java.net.NetworkInterface::getName).sorted().toList();
        if (!interfaces.equals(List.of("lo"))) {
            throw new IllegalStateException("end-to-end tests must run in a loopback-only network namespace, "
                    + "but these interfaces exist: " + interfaces + ". Run scripts/test.sh (it wraps Maven in "
                    + "'unshare --net'), or skip them with -DskipE2e=true.");
        }
    }

    /** A small, fast config: 640x360@30 test source per eye, no HTTP redirect port. */
    static Path config(Path dir, String extraServer, String stream) throws IOException {
        Path file = dir.resolve("camera_profiles.yaml");
        Files.writeString(file, """
                server:
                  bind: 127.0.0.1
                  http_port: 0
                  state_dir: %s
                %s
                stream: {width: 640, height: 360, fps: 30%s}
                cameras:
                  left: {source: test, bitrate_mbps: 1.5, gop_frames: 60, idr_interval: 60}
                  right: {source: test, bitrate_mbps: 1.5, gop_frames: 60, idr_interval: 60}
                """.formatted(dir.resolve("state"), extraServer.isEmpty() ? "" : "  " + extraServer,
                stream.isEmpty() ? "" : ", " + stream));
        return file;
    }

    /** HTTPS client for the appliance's self-signed certificate (tests only). */
    static HttpClient http() throws Exception {
        TrustManager[] trustAll = {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }};
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustAll, new SecureRandom());
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> post(String url, String contentType, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return get(url, null);
    }

    static HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
