package dev.stereo.web;

import dev.stereo.core.StereoException;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The HTTPS server identity. WebXR needs a secure context, so there is always a certificate:
 * the user's PEM files when configured, otherwise a self-signed one generated on first start and
 * kept in {@code stateDir} as {@code tls-cert.pem} / {@code tls-key.pem} so the headset only has to
 * accept it once.
 *
 * <p>A stored certificate is reused unless it is unreadable, does not match its key, expires
 * within 30 days, or its subjectAltNames no longer cover this machine's names and addresses (the
 * Pi moved to another network); then it is regenerated (EC P-256, valid 10 years).
 *
 * <p>The constructor has no side effects; {@link #load()} reads, and if needed writes, the files.
 * Not thread-safe; called once from {@link WebServer#start()}.
 */
public final class CertificateStore {

    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

    public static final String CERT_FILE = "tls-cert.pem";
    public static final String KEY_FILE = "tls-key.pem";
    static final String ALIAS = "stereo";
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Path stateDir;
    private final Path userCert;
    private final Path userKey;
    private final Supplier<HostIdentity> identity;
    private final Clock clock;

    /**
     * A loaded identity ready for Jetty.
     *
     * @param keyStore  in-memory PKCS#12 store with one key entry, {@link #ALIAS}
     * @param password  password of the store and of the key entry (random, per load)
     * @param chain     the certificate chain, leaf first
     * @param certFile  where the certificate came from
     * @param generated true when it is the self-signed certificate from {@code stateDir}
     */
    public record TlsIdentity(KeyStore keyStore, String password, List<X509Certificate> chain,
                              Path certFile, boolean generated) {

        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** SHA-256 fingerprint, colon-separated hex, as browsers show it. */
        public String fingerprint() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded());
                return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
            } catch (GeneralSecurityException e) {
                return "?";
            }
        }
    }

    /** Uses the user's certificate when {@code settings.tlsCert()} is set, else the generated one. */
    public CertificateStore(WebSettings settings) {
        this(settings.stateDir(), settings.tlsCert(), settings.tlsKey(), HostIdentity::detect, Clock.systemUTC());
    }

    CertificateStore(Path stateDir, Path userCert, Path userKey, Supplier<HostIdentity> identity, Clock clock) {
        this.stateDir = stateDir;
        this.userCert = userCert;
        this.userKey = userKey;
        this.identity = identity;
        this.clock = clock;
    }

    /** Where the generated certificate lives (whether or not it exists yet). */
    public Path generatedCertFile() {
        return stateDir.resolve(CERT_FILE);
    }

    /**
     * Loads the user's certificate, or reuses / generates the self-signed one.
     *
     * @throws StereoException naming the file when the user's PEM cannot be used, or the state
     *                         directory when the generated one cannot be written
     */
    public TlsIdentity load() throws StereoException {
        return userCert != null ? loadUser() : loadOrGenerate();
    }

    // ---- user-supplied PEM ----------------------------------------------------------------

    private TlsIdentity loadUser() throws StereoException {
        List<X509Certificate> chain;
        try {
            chain = readCertificates(userCert);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new StereoException("cannot read TLS certificate " + userCert + ": " + describe(e), e);
        }
        if (chain.isEmpty()) {
            throw new StereoException("cannot read TLS certificate " + userCert + ": no \"BEGIN CERTIFICATE\" block in it");
        }
        Path keyFile = userKey != null ? userKey : userCert;
        PrivateKey key;
        try {
            key = readPrivateKey(keyFile);
        } catch (IOException | RuntimeException e) {
            throw new StereoException("cannot read TLS private key " + keyFile + ": " + describe(e), e);
        }
        if (key == null) {
            throw new StereoException("cannot read TLS private key " + keyFile
                    + ": no PRIVATE KEY block in it (PKCS#8, RSA or EC PEM expected)");
        }
        if (!matches(key, chain.get(0))) {
            throw new StereoException("TLS private key " + keyFile + " does not belong to the certificate in " + userCert);
        }
        Instant notAfter = chain.get(0).getNotAfter().toInstant();
        if (notAfter.isBefore(clock.instant())) {
            // The user's choice: serve it anyway (clients will complain), but say why.
            log.warn("TLS certificate {} expired on {}", userCert, notAfter);
        }
        return identity(key, chain, userCert, false);
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        }
        return chain;
    }

    /** First private key in the file, in any of the usual PEM encodings; null when there is none. */
    static PrivateKey readPrivateKey(Path file) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o;
            while ((o = pem.readObject()) != null) {
                if (o instanceof PrivateKeyInfo info) {                 // BEGIN PRIVATE KEY (PKCS#8)
                    return converter.getPrivateKey(info);
                } else if (o instanceof PEMKeyPair pair) {              // BEGIN RSA/EC PRIVATE KEY
                    // Only the private part: SEC1 EC keys may omit the (optional) public key,
                    // and getKeyPair() then fails.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IOException("the key is encrypted; the service starts unattended, so store it "
                            + "unencrypted with owner-only permissions (openssl pkey -in key.pem -out plain.pem)");
                }
                // Anything else (certificates, "EC PARAMETERS") is skipped.
            }
        }
        return null;
    }

    /** Sign-and-verify, which works for every key type without digging into key internals. */
    static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return true; // unknown algorithm: let the TLS handshake be the judge
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    // ---- generated self-signed -------------------------------------------------------------

    private TlsIdentity loadOrGenerate() throws StereoException {
        Path certFile = stateDir.resolve(CERT_FILE);
        Path keyFile = stateDir.resolve(KEY_FILE);
        HostIdentity host = identity.get();
        if (Files.exists(certFile) || Files.exists(keyFile)) {
            String problem;
            try {
                List<X509Certificate> chain = readCertificates(certFile);
                PrivateKey key = readPrivateKey(keyFile);
                problem = reuseProblem(chain, key, host.requiredForReuse());
                if (problem == null) {
                    log.info("using TLS certificate {}", certFile);
                    return identity(key, chain, certFile, true);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                problem = "unreadable (" + describe(e) + ")";
            }
            log.info("regenerating self-signed TLS certificate {}: {}", certFile, problem);
        }
        return generate(host, certFile, keyFile);
    }

    private String reuseProblem(List<X509Certificate> chain, PrivateKey key, HostIdentity required)
            throws CertificateParsingException {
        if (chain.isEmpty()) {
            return "no certificate in it";
        }
        if (key == null) {
            return "no private key";
        }
        X509Certificate cert = chain.get(0);
        if (!matches(key, cert)) {
            return "key does not match certificate";
        }
        if (cert.getNotAfter().toInstant().isBefore(clock.instant().plus(RENEW_BEFORE))) {
            return "expires " + cert.getNotAfter().toInstant();
        }
        Set<String> missing = new LinkedHashSet<>();
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        subjectAltNames(cert, dns, ips);
        for (String name : required.dnsNames()) {
            if (!dns.contains(name)) {
                missing.add(name);
            }
        }
        for (InetAddress a : required.addresses()) {
            if (!ips.contains(a)) {
                missing.add(a.getHostAddress());
            }
        }
        return missing.isEmpty() ? null : "subjectAltNames do not cover " + String.join(", ", missing);
    }

    /** Collects DNS (lower-cased) and IP subjectAltNames of {@code cert}. */
    static void subjectAltNames(X509Certificate cert, Set<String> dns, Set<InetAddress> ips)
            throws CertificateParsingException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans == null) {
            return;
        }
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (type == GeneralName.dNSName) {
                dns.add(value.toLowerCase(Locale.ROOT));
            } else if (type == GeneralName.iPAddress) {
                try {
                    // The JDK renders IP SANs as literals; parsing a literal never does a lookup.
                    ips.add(HostIdentity.address(InetAddress.getByName(value).getAddress()));
                } catch (UnknownHostException e) {
                    // unparseable entry: ignore it, the coverage check will then ask for a new cert
                }
            }
        }
    }

    private TlsIdentity generate(HostIdentity host, Path certFile, Path keyFile) throws StereoException {
        X509Certificate cert;
        KeyPair pair;
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
            kpg.initialize(new ECGenParameterSpec("secp256r1")); // P-256: fast on a Pi, accepted everywhere
            pair = kpg.generateKeyPair();
            cert = selfSign(pair, host);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new StereoException("cannot generate a self-signed TLS certificate: " + describe(e), e);
        }
        try {
            Files.createDirectories(stateDir);
            writeAtomically(keyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
            writeAtomically(certFile, pem(cert), false);
        } catch (IOException e) {
            throw new StereoException("cannot write the TLS certificate to " + stateDir + ": " + describe(e), e);
        }
        log.info("generated self-signed TLS certificate {} for {} {}", certFile, host.dnsNames(),
                host.addresses().stream().map(InetAddress::getHostAddress).toList());
        return identity(pair.getPrivate(), List.of(cert), certFile, true);
    }

    private X509Certificate selfSign(KeyPair pair, HostIdentity host)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        String firstName = host.dnsNames().iterator().next();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "stereo (self-signed)")
                .addRDN(BCStyle.CN, firstName)
                .build();
        Instant now = clock.instant();
        // Backdate a day: a Pi without RTC may boot with a clock a little behind the headset's.
        Instant notBefore = now.minus(1, ChronoUnit.DAYS);
        Instant notAfter = now.plus(3650, ChronoUnit.DAYS);
        BigInteger serial = new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);

        List<GeneralName> names = new ArrayList<>();
        for (String dns : host.dnsNames()) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        for (InetAddress a : host.addresses()) {
            names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(a.getAddress())));
        }

        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                java.util.Date.from(notBefore), java.util.Date.from(notAfter), subject, pair.getPublic())
                // A leaf, not a CA: browsers reject CA certificates used as server certificates.
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    /** Temp file + rename, so a crash never leaves half a key behind; the key is owner-only. */
    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = secret
                    ? Files.createTempFile(dir, ".tls", ".tmp", PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".tls", ".tmp");
        } catch (UnsupportedOperationException e) { // non-POSIX file system
            tmp = Files.createTempFile(dir, ".tls", ".tmp");
        }
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static TlsIdentity identity(PrivateKey key, List<X509Certificate> chain, Path file, boolean generated)
            throws StereoException {
        try {
            // The store only lives in memory, so a random password protects nothing and hides nothing;
            // Jetty just requires one.
            byte[] raw = new byte[18];
            new SecureRandom().nextBytes(raw);
            String password = HexFormat.of().formatHex(raw);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, password.toCharArray(), chain.toArray(X509Certificate[]::new));
            return new TlsIdentity(ks, password, List.copyOf(chain), file, generated);
        } catch (GeneralSecurityException | IOException e) {
            throw new StereoException("cannot build a key store from " + file + ": " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "file not found";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
