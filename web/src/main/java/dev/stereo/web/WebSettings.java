package dev.stereo.web;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the web layer needs from the application's configuration. The app maps its own
 * config onto this record; the web module never reads config files itself.
 *
 * @param bind       address both connectors listen on, e.g. {@code "0.0.0.0"} or {@code "::"}
 * @param httpsPort  HTTPS port; {@code 0} picks a free port (tests), see {@link WebServer#httpsPort()}
 * @param httpPort   plain-HTTP port that only redirects to HTTPS; {@code 0} = no plain-HTTP
 *                   listener, {@link #EPHEMERAL_HTTP_PORT} picks a free port (tests)
 * @param tlsCert    PEM certificate chain supplied by the user (leaf first), or {@code null} to use
 *                   a self-signed certificate generated in {@code stateDir}
 * @param tlsKey     PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC) for {@code tlsCert}; may be
 *                   {@code null} when the key is in the {@code tlsCert} file itself
 * @param stateDir   writable directory for generated state (the self-signed certificate)
 * @param token      bearer token required on signalling and {@code /api/*}; {@code null} or blank
 *                   disables authentication
 * @param maxViewers live viewer sessions allowed at once (at least 1); more get 503
 * @param staticDir  directory served at {@code /} before the built-in client (development
 *                   override, edit-and-reload without rebuilding), or {@code null}
 */
public record WebSettings(String bind, int httpsPort, int httpPort, Path tlsCert, Path tlsKey,
                          Path stateDir, String token, int maxViewers, Path staticDir) {

    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final int DEFAULT_HTTPS_PORT = 8443;
    /** Plain-HTTP port value meaning "no plain-HTTP listener". */
    public static final int HTTP_OFF = 0;
    /** Plain-HTTP port value meaning "any free port" (the HTTPS port uses 0 for that). */
    public static final int EPHEMERAL_HTTP_PORT = -1;
    public static final int DEFAULT_MAX_VIEWERS = 4;

    public WebSettings {
        bind = (bind == null || bind.isBlank()) ? DEFAULT_BIND : bind.trim();
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("httpsPort must be 0..65535, got " + httpsPort);
        }
        if (httpPort < EPHEMERAL_HTTP_PORT || httpPort > 65535) {
            throw new IllegalArgumentException("httpPort must be -1..65535 (0 = off), got " + httpPort);
        }
        if (httpPort > 0 && httpPort == httpsPort) {
            throw new IllegalArgumentException("httpPort and httpsPort are both " + httpPort);
        }
        Objects.requireNonNull(stateDir, "stateDir");
        if (tlsKey != null && tlsCert == null) {
            throw new IllegalArgumentException("tlsKey is set but tlsCert is not: both or neither");
        }
        // An empty token in a config file almost certainly means "no token", not "the empty token".
        token = (token == null || token.isBlank()) ? null : token.trim();
        if (maxViewers < 1) {
            throw new IllegalArgumentException("maxViewers must be at least 1, got " + maxViewers);
        }
    }

    /** Production defaults: 0.0.0.0:8443, no plain-HTTP listener, self-signed TLS, no token. */
    public static WebSettings defaults(Path stateDir) {
        return new WebSettings(DEFAULT_BIND, DEFAULT_HTTPS_PORT, HTTP_OFF, null, null, stateDir,
                null, DEFAULT_MAX_VIEWERS, null);
    }

    public WebSettings withBind(String bind) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    public WebSettings withPorts(int httpsPort, int httpPort) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    public WebSettings withTls(Path tlsCert, Path tlsKey) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    public WebSettings withToken(String token) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    public WebSettings withMaxViewers(int maxViewers) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    public WebSettings withStaticDir(Path staticDir) {
        return new WebSettings(bind, httpsPort, httpPort, tlsCert, tlsKey, stateDir, token, maxViewers, staticDir);
    }

    /** Never print the token itself (logs end up in bug reports). */
    @Override
    public String toString() {
        return "WebSettings[bind=" + bind + ", httpsPort=" + httpsPort + ", httpPort=" + httpPort
                + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", stateDir=" + stateDir
                + ", token=" + (token == null ? "none" : "***") + ", maxViewers=" + maxViewers
                + ", staticDir=" + staticDir + "]";
    }
}
