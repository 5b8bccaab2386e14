package dev.stereo.web;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The Jetty connectors {@link WebServer} hands to Javalin through
 * {@code config.jetty.addConnector((server, httpConfig) -> ...)}. Once any connector is added,
 * Javalin does not create its own plain-HTTP one, so these are the only listeners.
 */
final class JettyConnectors {

    private JettyConnectors() {}

    /** TLS (HTTP/1.1 inside) with the given identity, via Jetty's {@link SslContextFactory.Server}. */
    static ServerConnector https(Server server, HttpConfiguration base, CertificateStore.TlsIdentity tls,
                                 String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(tls.password());
        ssl.setKeyManagerPassword(tls.password());
        ssl.setCertAlias(CertificateStore.ALIAS);

        HttpConfiguration config = copy(base);
        config.setSecureScheme("https");
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Self-signed certificates rarely list every name a Pi is reached by (a router's DNS name,
        // a VPN name); the default SNI host check would answer those with 400 "Invalid SNI" after the
        // user has already accepted the certificate warning. Certificate/host checks are the
        // browser's job here.
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);

        ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(config));
        connector.setName("https");
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** Plain HTTP; every request on it is redirected to HTTPS by {@link HttpsRedirect}. */
    static ServerConnector http(Server server, HttpConfiguration base, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(copy(base)));
        connector.setName("http");
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    private static HttpConfiguration copy(HttpConfiguration base) {
        // A copy per connector: the TLS customizer must not leak onto the plain connector.
        HttpConfiguration c = new HttpConfiguration(base);
        c.setSendServerVersion(false);
        c.setSendXPoweredBy(false);
        return c;
    }
}
