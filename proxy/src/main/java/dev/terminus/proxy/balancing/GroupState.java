package dev.terminus.proxy.balancing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds a target group's state that outlives snapshots: the turn counter shared by every event
 * loop, the count of open backend connections, and the group's current membership for its
 * gauges. Carried across reloads by name.
 */
final class GroupState {
    private final String name;
    /** Shared by every event loop; a contended increment per request, no lock. */
    final AtomicInteger turn = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Meter> meters = new ArrayList<>();
    private volatile TargetGroup current;

    GroupState(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void bindMeters(MeterRegistry registry) {
        meters.add(Gauge.builder("terminus.target.group.healthy.targets", this, GroupState::healthyTargets)
                .description("Targets of the group that pass their health check")
                .tag("target_group", name).register(registry));
        meters.add(Gauge.builder("terminus.target.group.targets", this, GroupState::targetCount)
                .description("Targets of the group in the current configuration, healthy or not")
                .tag("target_group", name).register(registry));
        meters.add(Gauge.builder("terminus.upstream.connections.active", connections, AtomicInteger::get)
                .description("Open backend connections to the group's targets, draining ones included")
                .tag("target_group", name).register(registry));
    }

    void removeMeters(MeterRegistry registry) {
        meters.forEach(registry::remove);
        meters.clear();
    }

    void current(TargetGroup group) {
        this.current = group;
    }

    TargetGroup current() {
        return current;
    }

    int healthyTargets() {
        TargetGroup g = current;
        return g == null ? 0 : g.healthyCount();
    }

    int targetCount() {
        TargetGroup g = current;
        return g == null ? 0 : g.targets().size();
    }

    int connections() {
        return connections.get();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }
}
