package dev.terminus.proxy.balancing;

import dev.terminus.proxy.config.ActionSpec;
import dev.terminus.proxy.config.TargetGroupConfig;
import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.http.UpstreamGroup;
import dev.terminus.proxy.http.UpstreamTls;
import dev.terminus.proxy.tls.CertificateException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Owns the target groups over time: the state of every target (health, requests in flight,
 * connections), carried across reloads by identity, and the health checks. A reload first
 * {@link #prepare prepares} the groups of the new configuration without side effects, and
 * {@link #commit commits} them once the whole snapshot is built: new targets start being
 * probed, kept ones keep their health, removed ones drain.
 *
 * <p>Draining follows ALB's deregistration: a removed target gets no new requests, requests in
 * flight finish, idle connections to it are not reused, and when the group's
 * {@code deregistration-delay} ends every connection still open to it is closed.
 *
 * <p>{@link #prepare} and {@link #commit} are called by one thread at a time (the runtime's
 * update lock); the data path never calls into this class.
 */
public final class TargetGroups implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TargetGroups.class);

    private final MeterRegistry registry;
    /** Null when nothing runs (configuration checks): no probes, drains end at once. */
    private final HealthChecker checker;
    private final Map<String, GroupState> groups = new HashMap<>();
    private final Map<String, TargetState> targets = new HashMap<>();
    private final Map<String, Counter> ejections = new HashMap<>();
    /** The TLS contexts of the committed HTTPS groups, by name, reused while their settings stay the same. */
    private Map<String, GroupTls> tls = Map.of();
    private Plan committed;

    private TargetGroups(MeterRegistry registry, EventLoop healthLoop, Class<? extends Channel> socketClass,
                         Clock clock) {
        this.registry = registry;
        this.checker = healthLoop == null ? null
                : new HealthChecker(healthLoop, socketClass, this::healthChanged, clock);
    }

    /**
     * Creates the registry; health checks and drain timers run on {@code healthLoop}.
     *
     * @param healthLoop  an event loop of a group the data path does not use
     * @param socketClass the socket channel class matching that loop's transport
     */
    public static TargetGroups start(MeterRegistry registry, EventLoop healthLoop, Class<? extends Channel> socketClass) {
        return start(registry, healthLoop, socketClass, Clock.systemUTC());
    }

    /** As above; {@code clock} stamps the health-check results that {@code /targets} shows. */
    public static TargetGroups start(MeterRegistry registry, EventLoop healthLoop, Class<? extends Channel> socketClass,
                                     Clock clock) {
        return new TargetGroups(registry, healthLoop, socketClass, clock);
    }

    /** Creates a registry that never probes: every target stays healthy (configuration checks, unit tests). */
    public static TargetGroups withoutHealthChecks(MeterRegistry registry) {
        return new TargetGroups(registry, null, null, Clock.systemUTC());
    }

    private static String key(String group, String host, int port) {
        return group + "\u0000" + host + ":" + port;
    }

    /**
     * Builds the groups of a configuration without HTTPS groups (tests, tools).
     *
     * @throws IllegalArgumentException if a group is HTTPS: those need {@link #prepare(List, boolean)}
     */
    public Plan prepare(List<TargetGroupConfig> configs) {
        if (configs.stream().anyMatch(c -> c.tls() != null)) {
            throw new IllegalArgumentException("HTTPS target groups need a TLS provider: use prepare(configs, openSsl)");
        }
        try {
            return prepare(configs, false);
        } catch (CertificateException e) {
            throw new IllegalStateException("unreachable: no TLS context to build", e);
        }
    }

    /**
     * Builds the groups of a configuration, reusing the state of targets that stay, and one TLS
     * client context per HTTPS group (the previous one while its settings are unchanged). Changes
     * nothing until {@link #commit}; a plan that is not committed is simply dropped.
     *
     * @param openSsl build TLS contexts on BoringSSL, else on the JDK (the listeners' provider)
     * @throws CertificateException naming the group when a TLS context cannot be built
     */
    public synchronized Plan prepare(List<TargetGroupConfig> configs, boolean openSsl) throws CertificateException {
        Map<String, TargetGroup> built = new LinkedHashMap<>();
        Map<TargetState, TargetGroupConfig> members = new HashMap<>();
        Map<String, GroupTls> groupTls = new HashMap<>();
        for (TargetGroupConfig c : configs) {
            if (c.tls() != null) {
                groupTls.put(c.name(), groupTls(c, openSsl));
            }
        }
        for (TargetGroupConfig c : configs) {
            GroupState state = groups.get(c.name());
            if (state == null) {
                state = new GroupState(c.name());
            }
            List<TargetState> list = new ArrayList<>();
            int[] weights = new int[c.targets().size()];
            for (int i = 0; i < weights.length; i++) {
                TargetGroupConfig.Target t = c.targets().get(i);
                TargetState s = targets.get(key(c.name(), t.host(), t.port()));
                if (s != null && s.group() != state) {
                    // Its group was removed and is back while the target still drains: start afresh,
                    // so that the target counts into the group that routes to it.
                    s = null;
                }
                if (s == null) {
                    s = new TargetState(state, new RouteAction.Forward(t.host(), t.port()));
                }
                list.add(s);
                members.put(s, c);
                weights[i] = t.weight();
            }
            built.put(c.name(), new TargetGroup(state, list, weights, c.algorithm(), c.onNoHealthy()));
        }
        return new Plan(built, members, configs, groupTls);
    }

    private GroupTls groupTls(TargetGroupConfig c, boolean openSsl) throws CertificateException {
        GroupTls previous = tls.get(c.name());
        if (previous != null && previous.settings.equals(c.tls()) && previous.openSsl == openSsl) {
            // Same trust, name and verification: keep the context, so pooled connections stay usable.
            return previous;
        }
        TargetGroupConfig.Tls t = c.tls();
        try {
            return new GroupTls(t, openSsl, UpstreamTls.build(openSsl, t.trusted(), t.serverName(), t.verify()));
        } catch (javax.net.ssl.SSLException | RuntimeException e) {
            throw new CertificateException("target group '" + c.name() + "': cannot build its TLS client context"
                    + (t.trustBundle() == null ? "" : " from " + t.trustBundle()) + ": " + e.getMessage(), e);
        }
    }

    /** The TLS context of one HTTPS group and the settings it was built from. */
    private record GroupTls(TargetGroupConfig.Tls settings, boolean openSsl, UpstreamTls context) {
        GroupTls {
            Objects.requireNonNull(context, "context");
        }
    }

    /** Makes a prepared plan current. Call right before the snapshot built from it is published. */
    public synchronized void commit(Plan plan) {
        for (TargetGroup g : plan.groups.values()) {
            GroupState state = g.state();
            if (groups.putIfAbsent(state.name(), state) == null) {
                state.bindMeters(registry);
                ejections.put(state.name(), Counter.builder("terminus.target.ejections")
                        .description("Targets that turned unhealthy, by target group")
                        .tag("target_group", state.name()).register(registry));
            }
            state.current(g);
        }
        for (Map.Entry<TargetState, TargetGroupConfig> e : plan.members.entrySet()) {
            TargetState t = e.getKey();
            GroupTls groupTls = plan.tls.get(e.getValue().name());
            t.tls(groupTls == null ? null : groupTls.context());
            String k = key(t.groupName(), t.address().host(), t.address().port());
            TargetState previous = targets.get(k);
            if (previous != t) {
                if (previous != null) {
                    // A draining target of a removed group: it keeps draining on its own timer.
                    previous.removeMeters(registry);
                }
                targets.put(k, t);
                t.bindMeters(registry);
            } else if (t.draining()) {
                log.info("target {} is back before its deregistration delay ended; it stops draining", t);
                t.stopDraining();
            }
            if (checker != null) {
                checker.watch(t, e.getValue().healthCheck());
            }
        }
        Map<String, TargetGroupConfig> previousConfigs = new HashMap<>();
        if (committed != null) {
            committed.configs.forEach(c -> previousConfigs.put(c.name(), c));
        }
        for (TargetState t : new ArrayList<>(targets.values())) {
            if (!plan.members.containsKey(t) && !t.draining()) {
                TargetGroupConfig was = previousConfigs.get(t.groupName());
                drain(t, was == null ? 0 : was.deregistrationDelay().toMillis());
            }
        }
        for (GroupState state : new ArrayList<>(groups.values())) {
            if (!plan.groups.containsKey(state.name())) {
                groups.remove(state.name());
                state.current(null);
                state.removeMeters(registry);
                Counter c = ejections.remove(state.name());
                if (c != null) {
                    registry.remove(c);
                }
            }
        }
        tls = plan.tls;
        committed = plan;
    }

    private void drain(TargetState t, long delayMillis) {
        log.info("target {} deregistered: draining for {} ms ({} requests in flight)", t, delayMillis, t.outstanding());
        t.startDraining();
        if (checker == null) {
            endDrain(t);
            return;
        }
        checker.unwatch(t);
        checker.loop().schedule(() -> endDrain(t), delayMillis, TimeUnit.MILLISECONDS);
    }

    private void endDrain(TargetState t) {
        synchronized (this) {
            String k = key(t.groupName(), t.address().host(), t.address().port());
            if (!t.draining()) {
                // Added back by a reload before its delay ended.
                return;
            }
            if (targets.get(k) == t) {
                targets.remove(k);
            }
            t.removeMeters(registry);
        }
        if (t.outstanding() > 0 || t.connections() > 0) {
            log.info("target {} drained: closing {} connections ({} requests still in flight)", t, t.connections(),
                    t.outstanding());
        }
        t.closeConnections();
    }

    private void healthChanged(TargetState t, boolean healthy, String why) {
        GroupState state = t.group();
        if (healthy) {
            log.info("target {} is healthy again ({})", t, why);
        } else {
            log.warn("target {} is unhealthy: {}", t, why);
            Counter c;
            synchronized (this) {
                c = ejections.get(state.name());
            }
            if (c != null) {
                c.increment();
            }
        }
        TargetGroup current = state.current();
        if (current != null && current.healthyCount() == 0 && !current.targets().isEmpty()) {
            log.warn("target group {} has no healthy target: {}", state.name(),
                    current.failsOpen() ? "failing open (routing to every target)" : "answering 503 no-healthy-target");
        }
    }

    /** Returns the state of a target known to the current configuration (or draining), or {@code null}. */
    public synchronized TargetState target(String group, String host, int port) {
        return targets.get(key(group, host, port));
    }

    /** Returns the current group with this name, or {@code null}. */
    public synchronized TargetGroup group(String name) {
        GroupState state = groups.get(name);
        return state == null ? null : state.current();
    }

    /** Returns the current groups in configuration order, for reports. */
    public synchronized List<TargetGroup> groups() {
        return committed == null ? List.of() : List.copyOf(committed.groups.values());
    }

    /** Returns the targets removed by a reload that still drain, for reports. */
    public synchronized List<TargetState> draining() {
        List<TargetState> out = new ArrayList<>();
        for (TargetState t : targets.values()) {
            if (t.draining()) {
                out.add(t);
            }
        }
        return out;
    }

    /** Stops the health checks. Connections close with the event loops that own them. */
    @Override
    public void close() {
        if (checker != null) {
            checker.close();
        }
    }

    /** The groups of one configuration, ready to be resolved into route actions. */
    public static final class Plan {
        private final Map<String, TargetGroup> groups;
        private final Map<TargetState, TargetGroupConfig> members;
        private final List<TargetGroupConfig> configs;
        private final Map<String, GroupTls> tls;

        private Plan(Map<String, TargetGroup> groups, Map<TargetState, TargetGroupConfig> members,
                     List<TargetGroupConfig> configs, Map<String, GroupTls> tls) {
            this.groups = groups;
            this.members = members;
            this.configs = List.copyOf(configs);
            this.tls = Map.copyOf(tls);
        }

        /** Returns the route action that forwards to these groups: one group, or a weighted split. */
        public RouteAction.Balanced resolve(ActionSpec.ToGroups spec) {
            List<TargetGroup> list = new ArrayList<>();
            int[] weights = new int[spec.groups().size()];
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < weights.length; i++) {
                ActionSpec.GroupWeight w = spec.groups().get(i);
                TargetGroup g = groups.get(w.targetGroup());
                if (g == null) {
                    throw new IllegalStateException("target group '" + w.targetGroup() + "' was validated but not built");
                }
                list.add(g);
                weights[i] = w.weight();
                name.append(i == 0 ? "" : ",").append(w.targetGroup());
                if (weights.length > 1) {
                    name.append('=').append(w.weight());
                }
            }
            UpstreamGroup group = list.size() == 1 ? list.get(0) : new WeightedGroups(list, weights);
            return new RouteAction.Balanced(name.toString(), group);
        }
    }
}
