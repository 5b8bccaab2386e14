package dev.stereo.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stereo.core.StereoException;
import dev.stereo.core.StereoPipeline;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The HTTPS front of the appliance: WHEP and JSON-offer signalling, {@code /api/status},
 * {@code /healthz} and the static WebXR client, on one origin (WebXR needs a secure context).
 * An optional plain-HTTP port only redirects to HTTPS.
 *
 * <p>Lifecycle: the constructor has no side effects. {@link #start()} loads or generates the TLS
 * certificate and binds the ports. {@link #close()} stops listening and closes every viewer
 * session the web layer opened; it is idempotent and safe before or after a failed start.
 * A server cannot be restarted; make a new one.
 *
 * <p>Ownership: the pipeline is borrowed. The web server never starts or closes it; it only calls
 * {@link StereoPipeline#connect}, {@link StereoPipeline#status} and closes the viewer sessions it
 * tracks (on WHEP DELETE and on {@link #close()}). The app closes the web server before the pipeline.
 *
 * <p>Threads: request handlers run on Jetty's pool; {@code POST /whep} and {@code POST /offer} block
 * their thread while the pipeline gathers ICE. Public methods may be called from any thread.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    private final WebSettings settings;
    private final StereoPipeline pipeline;
    private final ObjectMapper mapper;
    private final SessionTable sessions;
    private final BearerAuth auth;
    private final StatusResource status;
    private final MetricsResource metrics;
    private final ClientStatsResource clientStats;
    private final StreamResource stream;

    private final AtomicReference<ServerConnector> httpsConnector = new AtomicReference<>();
    private final AtomicReference<ServerConnector> httpConnector = new AtomicReference<>();
    private final Object lifecycle = new Object();
    private Javalin app;          // guarded by lifecycle
    private boolean started;      // guarded by lifecycle
    private boolean closed;       // guarded by lifecycle
    private volatile long startNanos;
    private volatile CertificateStore.TlsIdentity tls;

    public WebServer(WebSettings settings, StereoPipeline pipeline) {
        this(settings, pipeline, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * @param meters the registry {@code GET /metrics} scrapes; the server adds the viewer series
     *               ({@code stereo_viewers}, {@code stereo_viewer_sessions_total}) and the pipeline's
     *               ({@link PipelineMeters}); the caller may add anything else (process, thermal).
     */
    public WebServer(WebSettings settings, StereoPipeline pipeline, PrometheusMeterRegistry meters) {
        this.settings = settings;
        this.pipeline = pipeline;
        this.mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        this.sessions = new SessionTable(pipeline, settings.maxViewers(), meters);
        PipelineMeters pipelineMeters = new PipelineMeters(pipeline);
        pipelineMeters.bindTo(meters);
        this.metrics = new MetricsResource(meters);
        this.auth = new BearerAuth(settings.token());
        this.status = new StatusResource(pipeline, sessions, mapper,
                () -> startNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
        this.clientStats = new ClientStatsResource(mapper, System::currentTimeMillis);
        clientStats.bindTo(meters);
        this.status.addSection("clients", clientStats::recent);
        this.status.addSection("media", pipelineMeters::snapshot);
        this.status.addSection("viewer_rtp", sessions::rtpStats);
        this.stream = new StreamResource(mapper);
    }

    /**
     * Connects {@code GET/POST /api/stream} to the running stream's encoder targets. Until this is
     * called those answer 503. Callable before or after {@link #start()}, from any thread.
     */
    public void liveStream(LiveStream live) {
        stream.wire(live);
    }

    /**
     * Adds a top-level section to {@code /api/status}, e.g. {@code "hardware"} → temperatures. The
     * supplier runs on the request thread for every status request: keep it cheap and non-blocking;
     * its value is serialized with Jackson (snake_case). If it throws, the section shows
     * {@code {"error": message}} instead. Callable before or after {@link #start()}, from any thread.
     *
     * @throws IllegalArgumentException when {@code name} is blank or one of the built-in keys
     */
    public void addStatusSection(String name, Supplier<?> section) {
        status.addSection(name, section);
    }

    /**
     * Loads (or generates) the certificate and binds HTTPS and, when configured, plain HTTP.
     *
     * @throws StereoException with a user-facing reason: unreadable certificate/key (names the
     *                         file), unwritable state directory, or a port that cannot be bound
     * @throws IllegalStateException when already started or closed
     */
    public void start() throws StereoException {
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "web server is closed" : "web server already started");
            }
            started = true;
            tls = new CertificateStore(settings).load();
            app = Javalin.create(this::configure);
            try {
                app.start();
            } catch (RuntimeException e) {
                stopQuietly();
                throw new StereoException(bindFailure(e), e);
            }
            startNanos = System.nanoTime();
        }
        log.info("serving https://{}:{}/ ({} certificate {}, SHA-256 {}){}", displayHost(), httpsPort(),
                tls.generated() ? "self-signed" : "configured", tls.certFile(), tls.fingerprint(),
                httpPort() > 0 ? "; http port " + httpPort() + " redirects to it" : "");
    }

    private void configure(JavalinConfig config) {
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;

        // TLS: Javalin 7's SSL plugin is not available here, so we add Jetty connectors ourselves.
        // Adding any connector replaces Javalin's default plain one.
        config.jetty.addConnector((server, httpConfig) -> {
            ServerConnector c = JettyConnectors.https(server, httpConfig, tls, settings.bind(), settings.httpsPort());
            httpsConnector.set(c);
            return c;
        });
        if (settings.httpPort() != WebSettings.HTTP_OFF) {
            int port = Math.max(settings.httpPort(), 0); // EPHEMERAL_HTTP_PORT → let the OS pick
            config.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c = JettyConnectors.http(server, httpConfig, settings.bind(), port);
                httpConnector.set(c);
                return c;
            });
        }

        // Static client: the dev override directory first (first match wins), then the jar.
        if (settings.staticDir() != null) {
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = settings.staticDir().toAbsolutePath().toString();
                sf.location = Location.EXTERNAL;
            });
        }
        // Javalin refuses to start on a missing classpath folder; a build without the client
        // (or a stripped jar) should still serve signalling, so only add it when present.
        if (WebServer.class.getResource("/web") != null) {
            config.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
        } else if (settings.staticDir() == null) {
            log.warn("no web client bundled (classpath /web missing) and no staticDir set: only the API is served");
        }

        // Order matters: redirect plain HTTP before anything else, then authenticate matched routes.
        HttpsRedirect redirect = new HttpsRedirect(this::httpsPort);
        config.routes.before(redirect::handle);
        config.routes.beforeMatched(auth::check);

        // Each resource registers its own routes.
        new WhepResource(sessions).register(config.routes);
        new OfferResource(sessions, mapper).register(config.routes);
        status.register(config.routes);
        metrics.register(config.routes);
        clientStats.register(config.routes);
        stream.register(config.routes);

        config.routes.exception(ApiError.class, (e, ctx) -> writeError(ctx, e));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx,
                new ApiError(e.getStatus(), codeFor(e.getStatus()), e.getMessage())));
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            writeError(ctx, new ApiError(500, "internal_error",
                    "internal server error; the server log has the details"));
        });
        // Requests no route or static file matched still get the JSON error shape.
        config.routes.error(404, ctx -> {
            if (ctx.resultInputStream() == null) {
                writeError(ctx, ApiError.notFound("no such resource: " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    private void writeError(Context ctx, ApiError e) {
        ctx.status(e.status());
        e.headers().forEach(ctx::header);
        try {
            ctx.contentType(OfferResource.JSON).result(mapper.writeValueAsBytes(e.body()));
        } catch (Exception serialization) { // a Map<String,String> always serializes; be safe anyway
            ctx.contentType(OfferResource.JSON).result("{\"error\":\"internal_error\",\"detail\":\"\"}");
        }
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
    }

    /** The bound HTTPS port (the real one when {@code httpsPort} was 0). */
    public int httpsPort() {
        ServerConnector c = httpsConnector.get();
        if (c == null || c.getLocalPort() <= 0) {
            throw new IllegalStateException("web server is not running");
        }
        return c.getLocalPort();
    }

    /** The bound plain-HTTP (redirect) port, or 0 when there is no plain-HTTP listener. */
    public int httpPort() {
        ServerConnector c = httpConnector.get();
        return c == null ? 0 : Math.max(c.getLocalPort(), 0);
    }

    /** Live viewer sessions in the web layer's table. */
    public int viewerCount() {
        return sessions.size();
    }

    /** The certificate being served; available after {@link #start()}. */
    public CertificateStore.TlsIdentity tlsIdentity() {
        CertificateStore.TlsIdentity t = tls;
        if (t == null) {
            throw new IllegalStateException("web server has not been started");
        }
        return t;
    }

    /** Stops listening, then closes every tracked viewer session. Idempotent; never throws. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            // Refuse new sessions first so an offer racing with shutdown cannot leak a peer.
            sessions.closeAll();
            stopQuietly();
            // A connect() that was in flight during stop() closes its own session (table is closed).
        }
        log.info("web server stopped");
    }

    private void stopQuietly() {
        if (app != null) {
            try {
                app.stop();
            } catch (RuntimeException e) {
                log.warn("stopping the HTTP server failed", e);
            }
        }
    }

    private String bindFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "cannot listen on " + settings.bind() + " port " + settings.httpsPort()
                        + (settings.httpPort() > 0 ? " or " + settings.httpPort() : "") + ": " + t.getMessage()
                        + " (another stereo instance running?)";
            }
        }
        return "cannot start the web server: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private String displayHost() {
        String b = settings.bind();
        return b.equals("0.0.0.0") || b.equals("::") ? "<this-host>" : b.toLowerCase(Locale.ROOT);
    }
}
