package dev.stereo.web;

import dev.stereo.core.StereoException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateStoreTest {

    @TempDir Path dir;

    static HostIdentity host(String... ips) throws Exception {
        Set<InetAddress> a = new LinkedHashSet<>();
        a.add(InetAddress.getByName("127.0.0.1"));
        a.add(InetAddress.getByName("::1"));
        for (String ip : ips) a.add(InetAddress.getByName(ip));
        return new HostIdentity(Set.of("stereopi", "stereopi.local", "localhost"), a);
    }

    CertificateStore generated(HostIdentity id) {
        return new CertificateStore(dir, null, null, () -> id, Clock.systemUTC());
    }

    static Set<String> sans(X509Certificate c) throws Exception {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        CertificateStore.subjectAltNames(c, dns, ips);
        Set<String> all = new LinkedHashSet<>(dns);
        ips.forEach(i -> all.add(i.getHostAddress()));
        return all;
    }

    @Test
    void generatedCertificateCoversNamesAndAddresses() throws Exception {
        var tls = generated(host("192.168.1.50")).load();
        assertTrue(tls.generated());
        Set<String> sans = sans(tls.certificate());
        for (String expected : new String[] {"localhost", "stereopi", "stereopi.local", "127.0.0.1", "192.168.1.50"}) {
            assertTrue(sans.contains(expected), expected + " in " + sans);
        }
        assertTrue(sans.stream().anyMatch(s -> s.equals("0:0:0:0:0:0:0:1") || s.equals("::1")), sans.toString());
        assertTrue(tls.certificate().getNotAfter().toInstant().isAfter(Instant.now().plus(3600, ChronoUnit.DAYS)));
        assertEquals(-1, tls.certificate().getBasicConstraints(), "a leaf, not a CA");
        assertTrue(Files.exists(dir.resolve(CertificateStore.CERT_FILE)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(CertificateStore.KEY_FILE))));
        assertTrue(tls.keyStore().isKeyEntry(CertificateStore.ALIAS));
    }

    @Test
    void realHostDetectionCoversLoopback() throws Exception {
        Set<String> sans = sans(new CertificateStore(WebSettings.defaults(dir)).load().certificate());
        assertTrue(sans.contains("localhost"), sans.toString());
        assertTrue(sans.contains("127.0.0.1"), sans.toString());
    }

    @Test
    void reusedWhileItStillCoversTheHost() throws Exception {
        X509Certificate first = generated(host("192.168.1.50")).load().certificate();
        assertEquals(first, generated(host("192.168.1.50")).load().certificate());
        // A new temporary IPv6 global address alone must not force a new certificate.
        assertEquals(first, generated(host("192.168.1.50", "2001:db8::1234")).load().certificate());
        // An interface going away is fine too: the old certificate still covers the rest.
        assertEquals(first, generated(host()).load().certificate());
    }

    @Test
    void regeneratedWhenAnAddressIsNotCovered() throws Exception {
        X509Certificate first = generated(host("192.168.1.50")).load().certificate();
        X509Certificate second = generated(host("10.9.8.7")).load().certificate();
        assertNotEquals(first, second);
        assertTrue(sans(second).contains("10.9.8.7"));
    }

    @Test
    void regeneratedWhenUnreadable() throws Exception {
        X509Certificate first = generated(host()).load().certificate();
        Files.writeString(dir.resolve(CertificateStore.CERT_FILE), "garbage");
        X509Certificate second = generated(host()).load().certificate();
        assertNotEquals(first, second);
        assertEquals(second, CertificateStore.readCertificates(dir.resolve(CertificateStore.CERT_FILE)).get(0));
    }

    @Test
    void regeneratedWhenCloseToExpiry() throws Exception {
        X509Certificate first = generated(host()).load().certificate();
        Clock in10years = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(3640));
        X509Certificate second = new CertificateStore(dir, null, null, () -> { try { return host(); } catch (Exception e) { throw new RuntimeException(e); } }, in10years)
                .load().certificate();
        assertNotEquals(first, second);
    }

    // ---- user-supplied PEM ------------------------------------------------------------------

    static KeyPair keyPair(String alg) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (alg.equals("EC")) g.initialize(new ECGenParameterSpec("secp256r1")); else g.initialize(2048);
        return g.generateKeyPair();
    }

    static X509Certificate cert(KeyPair kp) throws Exception {
        X500Name name = new X500Name("CN=user cert");
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), name, kp.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        String sig = kp.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(sig).build(kp.getPrivate())));
    }

    static String pem(Object... objects) throws Exception {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) w.writeObject(o);
        }
        return sw.toString();
    }

    /**
     * SEC1 "EC PRIVATE KEY" as openssl writes it (curve OID inside). JcaPEMWriter cannot be used
     * for this: from a JDK key it writes a block without the curve, which nothing can read.
     */
    static String sec1(KeyPair kp, boolean withPublicKey) throws Exception {
        var priv = (java.security.interfaces.ECPrivateKey) kp.getPrivate();
        var curve = org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1;
        var key = withPublicKey
                ? new org.bouncycastle.asn1.sec.ECPrivateKey(256, priv.getS(),
                        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()).getPublicKeyData(),
                        curve)
                : new org.bouncycastle.asn1.sec.ECPrivateKey(256, priv.getS(), curve);
        StringWriter sw = new StringWriter();
        try (var w = new org.bouncycastle.util.io.pem.PemWriter(sw)) {
            w.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", key.getEncoded()));
        }
        return sw.toString();
    }

    CertificateStore user(Path cert, Path key) {
        return new CertificateStore(dir.resolve("state"), cert, key, () -> { throw new AssertionError("no generation"); },
                Clock.systemUTC());
    }

    @Test
    void loadsRsaPkcs1Key() throws Exception {
        KeyPair kp = keyPair("RSA");
        X509Certificate c = cert(kp);
        Path cf = Files.writeString(dir.resolve("c.pem"), pem(c));
        Path kf = Files.writeString(dir.resolve("k.pem"), pem(kp)); // "BEGIN RSA PRIVATE KEY"
        assertTrue(Files.readString(kf).contains("BEGIN RSA PRIVATE KEY"));
        var tls = user(cf, kf).load();
        assertFalse(tls.generated());
        assertEquals(c, tls.certificate());
        assertFalse(Files.exists(dir.resolve("state")), "nothing generated");
    }

    @Test
    void loadsEcSec1KeyAndCombinedFile() throws Exception {
        KeyPair kp = keyPair("EC");
        X509Certificate c = cert(kp);
        Path combined = Files.writeString(dir.resolve("both.pem"), pem(c) + sec1(kp, true));
        assertEquals(c, user(combined, null).load().certificate());
        // The public key inside SEC1 is optional; keys without it must load too.
        Path noPub = Files.writeString(dir.resolve("nopub.pem"), sec1(kp, false));
        assertEquals(c, user(combined, noPub).load().certificate());
    }

    @Test
    void loadsPkcs8KeyAndChain() throws Exception {
        KeyPair kp = keyPair("EC");
        X509Certificate c = cert(kp);
        X509Certificate other = cert(keyPair("RSA"));
        Path cf = Files.writeString(dir.resolve("chain.pem"), pem(c, other));
        Path kf = Files.writeString(dir.resolve("k8.pem"),
                pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null)));
        assertTrue(Files.readString(kf).contains("BEGIN PRIVATE KEY"));
        var tls = user(cf, kf).load();
        assertEquals(2, tls.chain().size());
        assertEquals(c, tls.certificate());
    }

    @Test
    void unreadableUserFilesAreNamedInTheError() throws Exception {
        Path missing = dir.resolve("missing-cert.pem");
        StereoException e = assertThrows(StereoException.class, () -> user(missing, null).load());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        KeyPair kp = keyPair("EC");
        Path cf = Files.writeString(dir.resolve("c.pem"), pem(cert(kp)));
        Path badKey = Files.writeString(dir.resolve("bad-key.pem"), "not a key");
        e = assertThrows(StereoException.class, () -> user(cf, badKey).load());
        assertTrue(e.getMessage().contains(badKey.toString()), e.getMessage());

        Path otherKey = Files.writeString(dir.resolve("other-key.pem"), sec1(keyPair("EC"), true));
        e = assertThrows(StereoException.class, () -> user(cf, otherKey).load());
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());

        Path noCert = Files.writeString(dir.resolve("empty.pem"), "");
        e = assertThrows(StereoException.class, () -> user(noCert, otherKey).load());
        assertTrue(e.getMessage().contains(noCert.toString()), e.getMessage());
    }

    @Test
    void serverServesTheUserCertificate() throws Exception {
        KeyPair kp = keyPair("RSA");
        X509Certificate c = cert(kp);
        Path cf = Files.writeString(dir.resolve("c.pem"), pem(c));
        Path kf = Files.writeString(dir.resolve("k.pem"), pem(kp));
        WebSettings s = WebSettings.defaults(dir.resolve("state")).withBind("127.0.0.1")
                .withPorts(0, WebSettings.HTTP_OFF).withTls(cf, kf);
        try (WebServer server = new WebServer(s, new FakePipeline())) {
            server.start();
            HttpsClient client = new HttpsClient(c, "https://127.0.0.1:" + server.httpsPort());
            assertEquals(200, client.get("/healthz").statusCode());
        }
    }
}
