package dev.terminus.proxy.runtime;

import dev.terminus.proxy.accesslog.AccessLog;
import dev.terminus.proxy.admin.AdminBackend;
import dev.terminus.proxy.balancing.TargetGroups;
import dev.terminus.proxy.config.ConfigException;
import dev.terminus.proxy.config.ConfigLoader;
import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.tls.CertificateException;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Owns the proxy's state over time: builds the first snapshot, reloads on request (validate,
 * build, swap whole; on failure keep serving the previous one, log the file and count it), and
 * answers the admin endpoints. Updates are serialised by this object's lock, which the data path
 * never takes.
 */
public final class ProxyRuntime implements AdminBackend {
    private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);

    private final Path configFile;
    private final TlsProvider provider;
    private final SnapshotBuilder builder;
    private final TargetGroups targetGroups;
    private final AccessLog accessLog;
    private final SnapshotHolder holder = new SnapshotHolder();
    private final CertificateGauges gauges;
    private final Counter reloadSuccess;
    private final Counter reloadFailure;
    private volatile boolean serving;
    private volatile boolean draining;
    private long version;

    /**
     * Builds the first snapshot; throws if any input is bad, naming the file and key.
     *
     * @param configFile the file reloads read again, or {@code null} when the config is built in code
     */
    public ProxyRuntime(Path configFile, ProxyConfig initial, TlsProvider provider, Clock clock,
                        MeterRegistry registry) throws CertificateException {
        this(configFile, initial, provider, clock, registry, TargetGroups.withoutHealthChecks(registry));
    }

    /**
     * Builds the first snapshot with target groups whose state {@code targetGroups} keeps across
     * reloads; throws if any input is bad, naming the file and key.
     */
    public ProxyRuntime(Path configFile, ProxyConfig initial, TlsProvider provider, Clock clock,
                        MeterRegistry registry, TargetGroups targetGroups) throws CertificateException {
        this(configFile, initial, provider, clock, registry, targetGroups, AccessLog.off());
    }

    /**
     * Builds the first snapshot as above, and points {@code accessLog} at each configuration
     * that becomes current (reopening its file at every reload, for logrotate).
     */
    public ProxyRuntime(Path configFile, ProxyConfig initial, TlsProvider provider, Clock clock,
                        MeterRegistry registry, TargetGroups targetGroups, AccessLog accessLog)
            throws CertificateException {
        this.configFile = configFile;
        this.accessLog = accessLog;
        this.targetGroups = targetGroups;
        this.provider = provider;
        this.builder = new SnapshotBuilder(provider, provider.reader(clock));
        this.gauges = new CertificateGauges(registry, clock);
        this.reloadSuccess = Counter.builder("terminus.reloads").tag("result", "success")
                .description("Configuration and certificate reloads by result").register(registry);
        this.reloadFailure = Counter.builder("terminus.reloads").tag("result", "failure")
                .description("Configuration and certificate reloads by result").register(registry);
        Gauge.builder("terminus.tls.provider", () -> 1).tag("provider", provider.label())
                .description("The TLS implementation in use (jdk means the BoringSSL fallback is active)")
                .register(registry);
        Gauge.builder("terminus.tls.fallback", () -> provider.isOpenSsl() ? 0 : 1)
                .description("1 when TLS runs on the JDK provider because BoringSSL is unavailable")
                .register(registry);
        synchronized (this) {
            publish(build(initial, null));
        }
        accessLog.apply(initial.accessLog());
    }

    /** Builds a snapshot and commits its target groups; on failure nothing changes. Under the lock. */
    private ProxySnapshot build(ProxyConfig config, ProxySnapshot previous) throws CertificateException {
        TargetGroups.Plan plan = targetGroups.prepare(config.targetGroups(), provider.isOpenSsl());
        ProxySnapshot snapshot = builder.build(config, previous, ++version, plan);
        // Nothing below can fail: the groups become current together with the snapshot.
        targetGroups.commit(plan);
        return snapshot;
    }

    /** Returns the target groups' state: health, requests in flight, draining. */
    public TargetGroups targetGroups() {
        return targetGroups;
    }

    /** Returns the holder the data path reads. */
    public SnapshotHolder snapshots() {
        return holder;
    }

    public TlsProvider provider() {
        return provider;
    }

    /** Marks the listeners bound (ready) or draining (not ready). */
    public void serving(boolean serving) {
        this.serving = serving;
    }

    /** Marks the proxy as shutting down: not ready, with a note that says so. */
    public void draining() {
        this.draining = true;
        this.serving = false;
    }

    private void publish(ProxySnapshot snapshot) {
        holder.publish(snapshot);
        gauges.update(snapshot);
        notifyAll();
    }

    /**
     * Waits until a snapshot with a version above {@code version} is published, or the timeout
     * passes; returns the current version. For callers that must know a reload took effect.
     */
    public synchronized long awaitVersionAbove(long version, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (holder.current() != null && holder.current().version() <= version) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return holder.current() == null ? -1 : holder.current().version();
    }

    /** Re-reads the configuration file and certificates and swaps them in whole. Call off the event loop. */
    @Override
    public synchronized ReloadResult reload() {
        ProxySnapshot current = holder.current();
        try {
            // apply() checks the bindings and builds the snapshot.
            return apply(configFile == null ? current.config() : ConfigLoader.load(configFile));
        } catch (ConfigException e) {
            return failed(e.getMessage());
        }
    }

    /** Swaps in a configuration built in code (tests, and later the control plane's pushes). */
    public synchronized ReloadResult apply(ProxyConfig next) {
        ProxySnapshot current = holder.current();
        try {
            requireSameBindings(current.config(), next);
            ProxySnapshot snapshot = build(next, current);
            publish(snapshot);
            accessLog.apply(next.accessLog());
            reloadSuccess.increment();
            int certs = snapshot.owned().size();
            log.info("reloaded: snapshot {} with {} certificates", snapshot.version(), certs);
            return new ReloadResult(true, "reloaded: snapshot " + snapshot.version() + ", " + certs + " certificates");
        } catch (CertificateException | ConfigException e) {
            return failed(e.getMessage());
        } catch (RuntimeException e) {
            log.error("reload failed unexpectedly; previous state keeps serving", e);
            return failed("unexpected error: " + e);
        }
    }

    private ReloadResult failed(String message) {
        reloadFailure.increment();
        log.error("reload refused, previous state keeps serving: {}", message);
        return new ReloadResult(false, message);
    }

    /** Refuses changes that need new sockets; those take a restart. */
    private static void requireSameBindings(ProxyConfig current, ProxyConfig next) throws ConfigException {
        String where = next.source() == null ? "configuration" : next.source().toString();
        if (!Objects.equals(current.admin(), next.admin())) {
            throw new ConfigException(where + ": admin: changed from " + current.admin()
                    + " (expected: unchanged; a new admin address needs a restart)");
        }
        List<String> before = new ArrayList<>();
        current.listeners().forEach(l -> before.add(binding(l)));
        List<String> after = new ArrayList<>();
        next.listeners().forEach(l -> after.add(binding(l)));
        if (!before.equals(after)) {
            throw new ConfigException(where + ": listeners: names, protocols or addresses changed from " + before + " to "
                    + after + " (expected: unchanged; adding, removing or moving a listener needs a restart)");
        }
    }

    private static String binding(ProxyConfig.Listener l) {
        return l.name() + "@" + (l.tls() ? "https" : "http") + "://" + l.address() + ":" + l.port();
    }

    @Override
    public ReloadResult reopenLogs() {
        AccessLog.Reopened r = accessLog.reopen();
        return new ReloadResult(r.ok(), r.message());
    }

    @Override
    public List<TargetGroupInfo> targets() {
        return TargetReport.of(targetGroups);
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public Readiness readiness() {
        List<String> notes = new ArrayList<>();
        notes.add("tls provider: " + provider.label());
        if (!provider.isOpenSsl()) {
            notes.add("DEGRADED: TLS runs on the JDK provider: " + provider.fallbackReason());
        }
        if (draining) {
            notes.add("draining: shutting down, finishing requests in flight");
        } else if (!serving) {
            notes.add("listeners are not accepting connections");
        }
        ProxySnapshot s = holder.current();
        if (s != null) {
            notes.add("snapshot " + s.version());
        }
        return new Readiness(serving && s != null, notes);
    }

    @Override
    public List<CertificateInfo> certificates() {
        ProxySnapshot s = holder.current();
        List<CertificateInfo> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (ProxySnapshot.Listener l : s.listeners().values()) {
            if (l.tls() == null) {
                continue;
            }
            ServedCertificate def = l.tls().index().defaultCertificate();
            for (ServedCertificate c : l.tls().index().certificates()) {
                out.add(new CertificateInfo(l.config().name(), c.names(), c.serialHex(), c.keyType(), c.notAfter(),
                        c.source(), c == def));
            }
        }
        return out;
    }

    /** Retires the current snapshot and its key material. */
    public synchronized void close() {
        serving = false;
        targetGroups.close();
        holder.clear();
    }
}
