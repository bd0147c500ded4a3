package dev.terminus.proxy.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads {@code target-groups}: names, targets, algorithm, health check, draining and fail-open. */
final class TargetGroupLoader {

    private TargetGroupLoader() {
    }

    /** Returns the groups by name, in file order. */
    static Map<String, TargetGroupConfig> load(YamlNode root) throws ConfigException {
        Map<String, TargetGroupConfig> groups = new LinkedHashMap<>();
        for (YamlNode g : root.list("target-groups")) {
            TargetGroupConfig group = group(g);
            if (groups.putIfAbsent(group.name(), group) != null) {
                throw g.error("name", "'" + group.name() + "'", "a name no other target group has");
            }
        }
        return groups;
    }

    private static TargetGroupConfig group(YamlNode g) throws ConfigException {
        g.onlyKeys(Set.of("name", "targets", "algorithm", "health-check", "deregistration-delay", "on-no-healthy"));
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
        return new TargetGroupConfig(name, targets, algorithm, healthCheck(g), delay, noHealthy);
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
