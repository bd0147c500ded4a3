package dev.terminus.proxy.config;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One target group: backends that share a balancing algorithm and a health check, as an ALB
 * target group. Immutable, defaults applied and validated by the loader.
 *
 * @param name                unique name, referenced by listener actions
 * @param targets             the backends; each {@code host:port} at most once
 * @param algorithm           how a target is chosen per request
 * @param healthCheck         the active health check
 * @param deregistrationDelay how long a target removed by a reload keeps its connections
 *                            for requests in flight before they are closed
 * @param onNoHealthy         what happens when no target is healthy
 * @param protocol            how the proxy speaks to the targets (and health-checks them)
 * @param tls                 the TLS settings of an {@code HTTPS} group; {@code null} for {@code HTTP}
 */
public record TargetGroupConfig(String name, List<Target> targets, Algorithm algorithm, HealthCheck healthCheck,
                                Duration deregistrationDelay, OnNoHealthy onNoHealthy, Protocol protocol, Tls tls) {

    public static final Duration DEFAULT_DEREGISTRATION_DELAY = Duration.ofSeconds(30);

    public TargetGroupConfig {
        targets = List.copyOf(targets);
        if ((protocol == Protocol.HTTPS) != (tls != null)) {
            throw new IllegalArgumentException("tls: " + tls + " (expected: settings exactly when protocol is HTTPS)");
        }
    }

    /** Creates a plain-HTTP group. */
    public TargetGroupConfig(String name, List<Target> targets, Algorithm algorithm, HealthCheck healthCheck,
                             Duration deregistrationDelay, OnNoHealthy onNoHealthy) {
        this(name, targets, algorithm, healthCheck, deregistrationDelay, onNoHealthy, Protocol.HTTP, null);
    }

    /** How the proxy connects to a group's targets. */
    public enum Protocol {
        /** HTTP/1.1 in clear text. */
        HTTP,
        /** HTTP/1.1 over TLS (1.2 or 1.3), the certificate checked as {@link Tls} says. */
        HTTPS
    }

    /**
     * TLS to the targets of an {@code HTTPS} group.
     *
     * @param trustBundle the PEM file the trusted CA certificates came from, or {@code null} for the
     *                    JVM's default trust store
     * @param trusted     the certificates read from {@code trustBundle} at load (empty without one)
     * @param serverName  the name sent as SNI and verified in the certificate, or {@code null} for
     *                    each target's own host
     * @param verify      false turns off certificate and name verification (logged as a warning)
     */
    public record Tls(Path trustBundle, List<X509Certificate> trusted, String serverName, boolean verify) {
        public Tls {
            trusted = List.copyOf(trusted);
        }
    }

    /** A backend of the group; {@code weight} (0-999) counts only for {@code weighted-random}. */
    public record Target(String host, int port, int weight) {
        public String id() {
            return host + ":" + port;
        }
    }

    /** How a target is chosen among the healthy ones. */
    public enum Algorithm {
        /** Each healthy target in turn, ignoring weights. */
        ROUND_ROBIN,
        /** The healthy target with the fewest requests in flight; ties in turn. */
        LEAST_OUTSTANDING_REQUESTS,
        /** A healthy target at random, in proportion to its weight. */
        WEIGHTED_RANDOM;

        /** Returns the configuration spelling, such as {@code round-robin}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** What a group does when none of its targets is healthy. */
    public enum OnNoHealthy {
        /** Route to every target as if all were healthy (ALB's behaviour). */
        FAIL_OPEN,
        /** Answer 503 with {@code X-Terminus-Error: no-healthy-target}. */
        REFUSE
    }

    /**
     * An active HTTP/1.1 health check: {@code GET path} every {@code interval}; a target turns
     * unhealthy after {@code unhealthyThreshold} failures in a row and healthy again after
     * {@code healthyThreshold} successes in a row. Disabled checks leave every target healthy.
     */
    public record HealthCheck(boolean enabled, String path, Duration interval, Duration timeout,
                              int healthyThreshold, int unhealthyThreshold, StatusMatcher matcher) {
        /** ALB's defaults, with a shorter interval (ALB: 30 s) that suits a single proxy node. */
        public static HealthCheck defaults() {
            return new HealthCheck(true, "/", Duration.ofSeconds(10), Duration.ofSeconds(5), 3, 2,
                    StatusMatcher.parse("200-299"));
        }
    }
}
