package dev.stereo.web;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names and addresses a browser may use to reach this machine, i.e. what the self-signed
 * certificate's subjectAltNames must cover.
 *
 * @param dnsNames  lower-case host names (hostname, hostname.local, localhost)
 * @param addresses IP addresses without IPv6 scope ids (a SAN cannot carry one)
 */
record HostIdentity(Set<String> dnsNames, Set<InetAddress> addresses) {

    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    HostIdentity {
        dnsNames = Collections.unmodifiableSet(new LinkedHashSet<>(dnsNames));
        addresses = Collections.unmodifiableSet(new LinkedHashSet<>(addresses));
    }

    /** Reads the hostname and the addresses of every interface that is up. */
    static HostIdentity detect() {
        Set<String> names = new LinkedHashSet<>();
        String host = hostname();
        if (host != null && DNS_NAME.matcher(host).matches()) {
            names.add(host);
            String shortName = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
            names.add(shortName);
            names.add(shortName + ".local"); // mDNS name, how a Quest usually finds a Pi
        }
        names.add("localhost");

        Set<InetAddress> addresses = new LinkedHashSet<>();
        addresses.add(address(new byte[] {127, 0, 0, 1}));
        addresses.add(address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    addresses.add(address(a.getAddress())); // drops the %scope of link-local IPv6
                }
            }
        } catch (SocketException e) {
            // Fall back to loopback only; the certificate still works for localhost and the hostname.
        }
        return new HostIdentity(names, addresses);
    }

    /**
     * What an existing certificate must cover to be reused. IPv6 global addresses are left out on
     * purpose: with privacy extensions they rotate daily, and regenerating the certificate for each
     * one would make the headset re-accept a new self-signed certificate after every restart.
     * They are still written into newly generated certificates.
     */
    HostIdentity requiredForReuse() {
        Set<InetAddress> stable = new LinkedHashSet<>();
        for (InetAddress a : addresses) {
            if (!(a instanceof Inet6Address) || a.isLoopbackAddress() || a.isLinkLocalAddress()) {
                stable.add(a);
            }
        }
        return new HostIdentity(dnsNames, stable);
    }

    private static String hostname() {
        // /proc is authoritative on Linux and needs no DNS; getLocalHost() may hang or fail on a
        // Pi whose hostname is not in /etc/hosts.
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                String h = Files.readString(proc).strip().toLowerCase(Locale.ROOT);
                if (!h.isEmpty()) {
                    return h;
                }
            }
        } catch (IOException | SecurityException e) {
            // try the portable way
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + raw.length, e);
        }
    }
}
