package dev.terminus.proxy.config;

import dev.terminus.proxy.http.RouteAction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Holds the proxy's whole configuration, defaults applied and validated. Immutable.
 *
 * @param source    the file it was read from, or {@code null} when built in code
 * @param admin     the admin port
 * @param listeners the TLS listeners, with unique names and unique address:port pairs
 * @param limits    connection and handshake limits shared by every listener
 */
public record ProxyConfig(Path source, Admin admin, List<Listener> listeners, Limits limits) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
    }

    /** Returns the listener with this name, or {@code null}. */
    public Listener listener(String name) {
        for (Listener l : listeners) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** The admin port: plain HTTP, loopback by default. */
    public record Admin(String address, int port) {
        public static final String DEFAULT_ADDRESS = "127.0.0.1";
        public static final int DEFAULT_PORT = 9901;
    }

    /**
     * One TLS listener.
     *
     * @param sessionResumption  TLS session tickets (shared across reloads) and the session cache;
     *                           on by default, off for full-handshake benchmarks
     * @param defaultCertificate name of the certificate served without SNI or for unknown names
     */
    public record Listener(String name, String address, int port, String policy, boolean strictSni,
                           boolean sessionResumption, String defaultCertificate, List<Certificate> certificates,
                           RouteAction action) {
        public static final String DEFAULT_ADDRESS = "127.0.0.1";

        public Listener {
            certificates = List.copyOf(certificates);
        }
    }

    /** A certificate given as a PEM chain file (leaf first) and a PEM private-key file. */
    public record Certificate(String name, Path chain, Path key) {
    }

    /**
     * Limits that protect the handshake path.
     *
     * @param maxConnections      connections open at once across all listeners; more are closed
     * @param handshakeTimeout    time from accept to a finished handshake
     * @param maxClientHelloBytes largest ClientHello accepted before the handshake is refused
     */
    public record Limits(int maxConnections, Duration handshakeTimeout, int maxClientHelloBytes) {
        public static Limits defaults() {
            return new Limits(10_000, Duration.ofSeconds(10), 16_384);
        }
    }
}
