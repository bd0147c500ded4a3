package dev.terminus.proxy.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@code target-groups}: names, targets, algorithm, health check, draining, fail-open and TLS. */
final class TargetGroupLoader {
    private static final Logger log = LoggerFactory.getLogger(TargetGroupLoader.class);
    /** A CA bundle is a few certificates; this bounds what a wrong path (a log file, a device) can cost. */
    private static final long MAX_TRUST_BUNDLE_BYTES = 4L * 1024 * 1024;

    private TargetGroupLoader() {
    }

    /**
     * Returns the groups by name, in file order.
     *
     * @param base the directory relative file names (trust bundles) resolve against
     */
    static Map<String, TargetGroupConfig> load(YamlNode root, Path base) throws ConfigException {
        Map<String, TargetGroupConfig> groups = new LinkedHashMap<>();
        for (YamlNode g : root.list("target-groups")) {
            TargetGroupConfig group = group(g, base);
            if (groups.putIfAbsent(group.name(), group) != null) {
                throw g.error("name", "'" + group.name() + "'", "a name no other target group has");
            }
        }
        return groups;
    }

    private static TargetGroupConfig group(YamlNode g, Path base) throws ConfigException {
        g.onlyKeys(Set.of("name", "targets", "algorithm", "health-check", "deregistration-delay", "on-no-healthy",
                "protocol", "tls"));
        String name = g.requiredString("name");
        List<TargetGroupConfig.Target> targets = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlNode t : g.list("targets")) {
            t.onlyKeys(Set.of("host", "port", "weight"));
            TargetGroupConfig.Target target = new TargetGroupConfig.Target(t.requiredString("host"),
                    t.requiredInteger("port", 1, 65_535), t.integer("weight", 1, 0, 999));
            if (!ids.add(target.id())) {
                throw t.error("port", target.port(), "a host:port no other target of this group has");
            }
            targets.add(target);
        }
        String algorithmName = g.string("algorithm", TargetGroupConfig.Algorithm.ROUND_ROBIN.configName());
        TargetGroupConfig.Algorithm algorithm = null;
        for (TargetGroupConfig.Algorithm a : TargetGroupConfig.Algorithm.values()) {
            if (a.configName().equals(algorithmName)) {
                algorithm = a;
            }
        }
        if (algorithm == null) {
            throw g.error("algorithm", "'" + algorithmName + "'",
                    "round-robin, least-outstanding-requests or weighted-random");
        }
        if (algorithm == TargetGroupConfig.Algorithm.WEIGHTED_RANDOM && !targets.isEmpty()
                && targets.stream().allMatch(t -> t.weight() == 0)) {
            throw g.error("targets: every weight is 0 (expected: at least one weight above 0 for weighted-random)");
        }
        String onNoHealthy = g.string("on-no-healthy", "fail-open").toLowerCase(Locale.ROOT);
        TargetGroupConfig.OnNoHealthy noHealthy = switch (onNoHealthy) {
            case "fail-open" -> TargetGroupConfig.OnNoHealthy.FAIL_OPEN;
            case "503" -> TargetGroupConfig.OnNoHealthy.REFUSE;
            default -> throw g.error("on-no-healthy", "'" + onNoHealthy + "'", "fail-open or 503");
        };
        // ALB: 0-3600 seconds.
        Duration delay = g.duration("deregistration-delay", TargetGroupConfig.DEFAULT_DEREGISTRATION_DELAY,
                Duration.ZERO, Duration.ofHours(1));
        String protocolName = g.string("protocol", "HTTP").toUpperCase(Locale.ROOT);
        TargetGroupConfig.Protocol protocol = switch (protocolName) {
            case "HTTP" -> TargetGroupConfig.Protocol.HTTP;
            case "HTTPS" -> TargetGroupConfig.Protocol.HTTPS;
            default -> throw g.error("protocol", "'" + g.string("protocol", "") + "'", "HTTP or HTTPS");
        };
        TargetGroupConfig.Tls tls = null;
        if (protocol == TargetGroupConfig.Protocol.HTTPS) {
            tls = tls(g, base, name);
        } else if (g.has("tls")) {
            throw g.error("tls", "present with protocol " + protocolName, "tls settings only with protocol: HTTPS");
        }
        return new TargetGroupConfig(name, targets, algorithm, healthCheck(g), delay, noHealthy, protocol, tls);
    }

    /**
     * Reads an HTTPS group's TLS settings. The trust bundle is read here rather than at snapshot
     * build so that a bad file is reported like any other bad value, with the file and key; it
     * holds public certificates only.
     */
    private static TargetGroupConfig.Tls tls(YamlNode g, Path base, String group) throws ConfigException {
        YamlNode t = g.object("tls");
        if (t == null) {
            return new TargetGroupConfig.Tls(null, List.of(), null, true);
        }
        t.onlyKeys(Set.of("trust-bundle", "server-name", "verify"));
        String serverName = t.string("server-name", null);
        if (serverName != null && (serverName.isBlank() || serverName.contains(" ") || serverName.contains(":"))) {
            throw t.error("server-name", "'" + serverName + "'", "a host name such as backend.internal");
        }
        boolean verify = t.bool("verify", true);
        String bundle = t.string("trust-bundle", null);
        Path file = null;
        List<X509Certificate> trusted = List.of();
        if (bundle != null) {
            if (bundle.isBlank()) {
                throw t.error("trust-bundle", "''", "a PEM file of CA certificates");
            }
            file = base.resolve(bundle).normalize();
            trusted = readBundle(t, file);
        }
        if (!verify) {
            log.warn("target group '{}': tls.verify is false: backend certificates and names are NOT checked, "
                    + "so anyone on the path to its targets can read and change its traffic", group);
        }
        return new TargetGroupConfig.Tls(file, trusted, serverName == null ? null : serverName.toLowerCase(Locale.ROOT),
                verify);
    }

    private static List<X509Certificate> readBundle(YamlNode t, Path file) throws ConfigException {
        String expected = "a PEM file of CA certificates";
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_TRUST_BUNDLE_BYTES) {
                throw t.error("trust-bundle", file, "at most " + MAX_TRUST_BUNDLE_BYTES + " bytes of " + expected);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw t.error("trust-bundle", file + ": cannot read: " + ConfigLoader.describe(e), expected);
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException | RuntimeException e) {
            throw t.error("trust-bundle", file + ": malformed: " + e.getMessage(), expected);
        }
        if (out.isEmpty()) {
            throw t.error("trust-bundle", file + ": no certificate found", expected);
        }
        return List.copyOf(out);
    }

    private static TargetGroupConfig.HealthCheck healthCheck(YamlNode g) throws ConfigException {
        TargetGroupConfig.HealthCheck d = TargetGroupConfig.HealthCheck.defaults();
        YamlNode h = g.object("health-check");
        if (h == null) {
            return d;
        }
        h.onlyKeys(Set.of("enabled", "path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold",
                "matcher"));
        String path = h.string("path", d.path());
        if (!path.startsWith("/")) {
            throw h.error("path", "'" + path + "'", "a path starting with /");
        }
        // ALB allows 5-300 s; shorter intervals are allowed here for tests and small setups.
        Duration interval = h.duration("interval", d.interval(), Duration.ofMillis(50), Duration.ofMinutes(5));
        Duration timeout = h.duration("timeout", d.timeout().compareTo(interval) < 0 ? d.timeout() : interval,
                Duration.ofMillis(10), Duration.ofMinutes(2));
        if (timeout.compareTo(interval) > 0) {
            throw h.error("timeout", "'" + h.string("timeout", "") + "'", "at most the interval (" + interval + ")");
        }
        String matcher = h.string("matcher", d.matcher().toString());
        StatusMatcher m;
        try {
            m = StatusMatcher.parse(matcher);
        } catch (IllegalArgumentException e) {
            throw h.error("matcher", "'" + matcher + "'", "status codes 200-499 and ranges such as 200,302 or 200-299");
        }
        return new TargetGroupConfig.HealthCheck(h.bool("enabled", true), path, interval, timeout,
                h.integer("healthy-threshold", d.healthyThreshold(), 1, 10),
                h.integer("unhealthy-threshold", d.unhealthyThreshold(), 1, 10), m);
    }
}
