package dev.terminus.proxy.balancing;

import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.http.UpstreamTarget;
import dev.terminus.proxy.http.UpstreamTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.Channel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * Holds what the proxy knows about one target of one target group over time: health, requests
 * in flight, open connections, draining. It lives outside the immutable snapshot and is carried
 * across reloads by identity (group name, host, port), so that a reload neither resets health
 * nor loses count of requests in flight.
 *
 * <p>Data-path methods ({@link UpstreamTarget}) run on many event loops at once and use atomics
 * only. Health counting ({@link #recordCheck}) is confined to the health checker's event loop.
 */
public final class TargetState implements UpstreamTarget {
    static final String[] STATUS_CLASSES = {"aborted", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final GroupState group;
    private final RouteAction.Forward address;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean healthy = true;
    private volatile boolean draining;
    private volatile LastCheck lastCheck;
    /** The group's TLS settings of the current snapshot; replaced whole by a commit. */
    private volatile UpstreamTls tls;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Consecutive check results; health loop only. */
    private int successes;
    private int failures;
    /** Registered once when the target is first committed; read-only after the publish. */
    private Counter[] requests;
    private Timer responses;
    private final List<Meter> meters = new ArrayList<>();

    TargetState(GroupState group, RouteAction.Forward address) {
        this.group = group;
        this.address = address;
    }

    /** Registers the target's meters; called once, before any snapshot that holds it is published. */
    void bindMeters(MeterRegistry registry) {
        Counter[] counters = new Counter[STATUS_CLASSES.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = Counter.builder("terminus.target.requests")
                    .description("Requests forwarded to a target, by the status class the client got "
                            + "(aborted: the exchange ended without a complete response)")
                    .tag("target_group", group.name()).tag("target", id()).tag("status_class", STATUS_CLASSES[i])
                    .register(registry);
            meters.add(counters[i]);
        }
        Timer timer = Timer.builder("terminus.target.response")
                .description("Time from choosing the target to the end of the response")
                .tag("target_group", group.name()).tag("target", id())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        meters.add(timer);
        meters.add(gauge(registry, "terminus.target.active.connections",
                "Open backend connections to the target, over all client connections", TargetState::connections));
        meters.add(gauge(registry, "terminus.target.outstanding.requests",
                "Requests assigned to the target that have not finished", TargetState::outstanding));
        meters.add(gauge(registry, "terminus.target.healthy",
                "1 while the target passes its health check, else 0", t -> t.healthy ? 1 : 0));
        this.requests = counters;
        this.responses = timer;
    }

    private Gauge gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<TargetState> f) {
        // Strong: the gauge goes with removeMeters, not with the garbage collector.
        return Gauge.builder(name, this, f).description(description).strongReference(true)
                .tag("target_group", group.name()).tag("target", id()).register(registry);
    }

    void removeMeters(MeterRegistry registry) {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Returns {@code host:port}. */
    public String id() {
        return address.host() + ":" + address.port();
    }

    public String groupName() {
        return group.name();
    }

    GroupState group() {
        return group;
    }

    @Override
    public RouteAction.Forward address() {
        return address;
    }

    public boolean healthy() {
        return healthy;
    }

    public boolean draining() {
        return draining;
    }

    /** Returns the latest health-check result, or {@code null} before the first one ended. */
    public LastCheck lastCheck() {
        return lastCheck;
    }

    /** Records a health-check result for reports; health loop only. */
    void checked(boolean ok, String detail, Instant time) {
        lastCheck = new LastCheck(ok, time, detail);
    }

    /**
     * One health-check result.
     *
     * @param ok     whether the check passed
     * @param time   when it ended, from the injected clock
     * @param detail what it saw, e.g. {@code status 200 (healthy: 200-299)}
     */
    public record LastCheck(boolean ok, Instant time, String detail) {
    }

    /** Returns the requests assigned to this target that have not finished. */
    public int outstanding() {
        return outstanding.get();
    }

    /** Returns the open backend connections to this target, over all downstream connections. */
    public int connections() {
        return connections.size();
    }

    /** Completes when a removed target's delay ended and its connections were closed. */
    public CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public UpstreamTls tls() {
        return tls;
    }

    /** Sets how to speak TLS to the target (null: plain HTTP); called by a commit, before the publish. */
    void tls(UpstreamTls settings) {
        this.tls = settings;
    }

    @Override
    public boolean reusable() {
        return !draining;
    }

    @Override
    public void requestStarted() {
        outstanding.incrementAndGet();
    }

    @Override
    public void requestFinished(int status, long nanos) {
        outstanding.decrementAndGet();
        Counter[] counters = requests;
        if (counters != null) {
            int c = status / 100;
            counters[c >= 1 && c <= 5 ? c : 0].increment();
            responses.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void connectionOpened(Channel channel) {
        if (connections.add(channel)) {
            group.connectionOpened();
        }
        if (draining && drained.isDone()) {
            // Connected after the deadline (the connect raced the drain): close it too.
            channel.close();
        }
    }

    @Override
    public void connectionClosed(Channel channel) {
        if (connections.remove(channel)) {
            group.connectionClosed();
        }
    }

    /**
     * Counts one health-check result and returns whether the target changed state: unhealthy after
     * {@code unhealthyThreshold} failures in a row, healthy after {@code healthyThreshold}
     * successes in a row. Health loop only (tests call it directly, as explicit ticks).
     */
    boolean recordCheck(boolean ok, int healthyThreshold, int unhealthyThreshold) {
        if (ok) {
            failures = 0;
            successes = Math.min(successes + 1, healthyThreshold);
            if (!healthy && successes >= healthyThreshold) {
                setHealthy(true);
                return true;
            }
        } else {
            successes = 0;
            failures = Math.min(failures + 1, unhealthyThreshold);
            if (healthy && failures >= unhealthyThreshold) {
                setHealthy(false);
                return true;
            }
        }
        return false;
    }

    /** Marks the target healthy with no check (checks disabled). */
    boolean forceHealthy() {
        successes = 0;
        failures = 0;
        if (!healthy) {
            setHealthy(true);
            return true;
        }
        return false;
    }

    private synchronized void setHealthy(boolean value) {
        healthy = value;
        notifyAll();
    }

    /** Waits until the target's health is {@code wanted} or the timeout passes; returns the health then. */
    public synchronized boolean awaitHealthy(boolean wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (healthy != wanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return healthy;
    }

    void startDraining() {
        draining = true;
    }

    void stopDraining() {
        draining = false;
    }

    /** Ends the drain: closes every connection still open, requests in flight included. */
    void closeConnections() {
        drained.complete(null);
        for (Channel ch : connections) {
            ch.close();
        }
    }

    @Override
    public String toString() {
        return group.name() + "/" + id();
    }
}
