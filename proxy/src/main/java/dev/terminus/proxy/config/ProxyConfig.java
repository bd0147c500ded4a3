package dev.terminus.proxy.config;

import dev.terminus.proxy.http.HttpLimits;
import dev.terminus.proxy.http.RequestIds;
import dev.terminus.proxy.http.RouteAction;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Holds the proxy's whole configuration, defaults applied and validated. Immutable.
 *
 * @param source    the file it was read from, or {@code null} when built in code
 * @param admin     the admin port
 * @param listeners    the listeners, with unique names and unique address:port pairs
 * @param targetGroups the target groups listener actions forward to, with unique names
 * @param limits       connection, handshake, HTTP and shutdown limits shared by every listener
 * @param requestId    how requests are named towards backends and clients
 * @param accessLog    where the access log goes, or {@link AccessLogConfig#OFF}
 */
public record ProxyConfig(Path source, Admin admin, List<Listener> listeners, List<TargetGroupConfig> targetGroups,
                          Limits limits, RequestIds requestId, AccessLogConfig accessLog) {

    public ProxyConfig {
        listeners = List.copyOf(listeners);
        targetGroups = List.copyOf(targetGroups);
        requestId = requestId == null ? RequestIds.defaults() : requestId;
        accessLog = accessLog == null ? AccessLogConfig.OFF : accessLog;
    }

    /** Builds a configuration with default request ids and no access log. */
    public ProxyConfig(Path source, Admin admin, List<Listener> listeners, List<TargetGroupConfig> targetGroups,
                       Limits limits) {
        this(source, admin, listeners, targetGroups, limits, RequestIds.defaults(), AccessLogConfig.OFF);
    }

    /** Builds a configuration without target groups. */
    public ProxyConfig(Path source, Admin admin, List<Listener> listeners, Limits limits) {
        this(source, admin, listeners, List.of(), limits);
    }

    /**
     * The access log: one JSON line per request.
     *
     * @param enabled whether lines are written
     * @param path    the file lines are appended to, or {@code null} for standard output
     */
    public record AccessLogConfig(boolean enabled, Path path) {
        public static final AccessLogConfig OFF = new AccessLogConfig(false, null);

        /** Returns the destination as the configuration spells it: the file, or {@code "-"}. */
        public String describe() {
            return path == null ? "-" : path.toString();
        }
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
     * One listener: TLS ({@code protocol: HTTPS}, the default) or plain HTTP. A plain listener has
     * no certificates, and its TLS settings are unused.
     *
     * @param tls                whether the listener terminates TLS
     * @param sessionResumption  TLS session tickets (shared across reloads) and the session cache;
     *                           on by default, off for full-handshake benchmarks
     * @param defaultCertificate name of the certificate served without SNI or for unknown names;
     *                           {@code null} on a plain listener
     * @param rules              rules tried in ascending priority (unique)
     * @param defaultAction      the action when no rule matches
     */
    public record Listener(String name, String address, int port, boolean tls, String policy, boolean strictSni,
                           boolean sessionResumption, String defaultCertificate, List<Certificate> certificates,
                           List<Rule> rules, ActionSpec defaultAction) {
        public static final String DEFAULT_ADDRESS = "127.0.0.1";

        public Listener {
            certificates = List.copyOf(certificates);
            rules = List.copyOf(rules);
        }

        /** Builds a TLS listener without rules that applies one action to every request. */
        public Listener(String name, String address, int port, String policy, boolean strictSni,
                        boolean sessionResumption, String defaultCertificate, List<Certificate> certificates,
                        RouteAction action) {
            this(name, address, port, true, policy, strictSni, sessionResumption, defaultCertificate, certificates,
                    List.of(), new ActionSpec.Static(action));
        }
    }

    /**
     * A listener rule: the action applies when the host is one of {@code hosts} (if any) and the
     * path matches one of {@code paths} (if any). At least one condition is set.
     */
    public record Rule(int priority, List<String> hosts, List<String> paths, ActionSpec action) {
        public Rule {
            hosts = List.copyOf(hosts);
            paths = List.copyOf(paths);
        }
    }

    /** Returns the target group with this name, or {@code null}. */
    public TargetGroupConfig targetGroup(String name) {
        for (TargetGroupConfig g : targetGroups) {
            if (g.name().equals(name)) {
                return g;
            }
        }
        return null;
    }

    /** A certificate given as a PEM chain file (leaf first) and a PEM private-key file. */
    public record Certificate(String name, Path chain, Path key) {
    }

    /**
     * Limits that protect the proxy. A reload applies them to connections accepted afterwards;
     * connections already open keep theirs.
     *
     * @param maxConnections      connections open at once across all listeners; more are closed
     * @param handshakeTimeout    time from accept to a finished handshake
     * @param maxClientHelloBytes largest ClientHello accepted before the handshake is refused
     * @param http                timeouts and sizes of HTTP requests and backend exchanges
     * @param shutdownTimeout     how long a shutdown waits for requests in flight before closing
     *                            what is left
     */
    public record Limits(int maxConnections, Duration handshakeTimeout, int maxClientHelloBytes, HttpLimits http,
                         Duration shutdownTimeout) {
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

        /** Builds limits with default HTTP limits and shutdown timeout. */
        public Limits(int maxConnections, Duration handshakeTimeout, int maxClientHelloBytes) {
            this(maxConnections, handshakeTimeout, maxClientHelloBytes, HttpLimits.defaults(),
                    DEFAULT_SHUTDOWN_TIMEOUT);
        }

        public static Limits defaults() {
            return new Limits(10_000, Duration.ofSeconds(10), 16_384);
        }
    }
}
