package dev.terminus.proxy.runtime;

import dev.terminus.proxy.balancing.TargetGroups;
import dev.terminus.proxy.config.ActionSpec;
import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.http.Routes;
import dev.terminus.proxy.http.RuleTable;
import dev.terminus.proxy.tls.CertificateException;
import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.CertificateReader;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.LoadedCertificate;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Turns a validated configuration into a snapshot: reads and checks every certificate, prepares
 * key material, builds indexes and contexts. All or nothing: on any error everything prepared so
 * far is released and the exception names the file and what is wrong. Runs off the event loop.
 *
 * <p>Key material whose chain and key bytes did not change since the previous snapshot is reused
 * rather than rebuilt, so reloading one certificate among 100,000 costs one certificate's work
 * in native memory.
 */
public final class SnapshotBuilder {
    private static final Logger log = LoggerFactory.getLogger(SnapshotBuilder.class);

    private final TlsProvider provider;
    private final CertificateReader reader;

    public SnapshotBuilder(TlsProvider provider, CertificateReader reader) {
        this.provider = provider;
        this.reader = reader;
    }

    /**
     * Builds a snapshot.
     *
     * @param previous the snapshot being replaced, whose key material may be reused, or {@code null}
     */
    public ProxySnapshot build(ProxyConfig config, ProxySnapshot previous, long version) throws CertificateException {
        if (!config.targetGroups().isEmpty()) {
            throw new IllegalArgumentException("target groups need a plan: use build(config, previous, version, plan)");
        }
        return build(config, previous, version, null);
    }

    /**
     * Builds a snapshot whose forward actions use the target groups of {@code groups}.
     *
     * @param previous the snapshot being replaced, whose key material may be reused, or {@code null}
     * @param groups   the prepared target groups of {@code config}, or {@code null} when it has none
     */
    public ProxySnapshot build(ProxyConfig config, ProxySnapshot previous, long version, TargetGroups.Plan groups)
            throws CertificateException {
        long start = System.nanoTime();
        Map<String, ServedCertificate> reusable = new HashMap<>();
        if (previous != null) {
            for (ServedCertificate c : previous.owned()) {
                reusable.put(c.fingerprint(), c);
            }
        }
        int total = 0;
        for (ProxyConfig.Listener l : config.listeners()) {
            total += l.certificates().size();
        }
        ConcurrentHashMap<String, ServedCertificate> owned = new ConcurrentHashMap<>(Math.max(16, total * 4 / 3 + 1));
        try {
            Map<String, ProxySnapshot.Listener> listeners = new LinkedHashMap<>();
            for (ProxyConfig.Listener l : config.listeners()) {
                listeners.put(l.name(), listener(l, reusable, owned, groups));
            }
            ProxySnapshot snapshot = new ProxySnapshot(config, listeners, new ArrayList<>(owned.values()), version);
            long reused = owned.values().stream().filter(c -> reusable.get(c.fingerprint()) == c).count();
            log.info("snapshot {}: {} certificates ready in {} ms ({} key materials built, {} reused from the previous snapshot)",
                    version, total, (System.nanoTime() - start) / 1_000_000, owned.size() - reused, reused);
            return snapshot;
        } catch (CertificateException | RuntimeException e) {
            owned.values().forEach(ServedCertificate::release);
            throw e;
        }
    }

    private ProxySnapshot.Listener listener(ProxyConfig.Listener l, Map<String, ServedCertificate> reusable,
                                            ConcurrentHashMap<String, ServedCertificate> owned,
                                            TargetGroups.Plan groups)
            throws CertificateException {
        Routes routes = routes(l, groups);
        if (!l.tls()) {
            return new ProxySnapshot.Listener(l, null, routes);
        }
        List<ProxyConfig.Certificate> configs = l.certificates();
        int n = configs.size();
        ServedCertificate[] served = new ServedCertificate[n];
        LoadedCertificate[] defaultLoaded = new LoadedCertificate[1];
        CertificateException[] failures = new CertificateException[n];
        // Certificates are independent: read, check and prepare them on every core. Each parsed
        // certificate is dropped as soon as its key material exists, so the heap never holds
        // all of them at once. Errors are reported for the first bad certificate in file order.
        IntStream.range(0, n).parallel().forEach(i -> {
            ProxyConfig.Certificate c = configs.get(i);
            try {
                LoadedCertificate loaded = reader.read(c.name(), c.chain(), c.key());
                served[i] = owned.computeIfAbsent(loaded.fingerprint(), fp -> prepare(loaded, reusable.get(fp)));
                if (c.name().equals(l.defaultCertificate())) {
                    defaultLoaded[0] = loaded;
                }
            } catch (CertificateException e) {
                failures[i] = e;
            } catch (Unchecked e) {
                failures[i] = e.getCause();
            }
        });
        for (CertificateException e : failures) {
            if (e != null) {
                throw e;
            }
        }
        int def = -1;
        for (int i = 0; i < n; i++) {
            if (configs.get(i).name().equals(l.defaultCertificate())) {
                def = i;
            }
        }
        if (def < 0 || defaultLoaded[0] == null) {
            throw new IllegalStateException("listener '" + l.name() + "': default certificate '"
                    + l.defaultCertificate() + "' was validated but not loaded");
        }
        CertificateIndex index = CertificateIndex.build(List.of(served), served[def], l.strictSni());
        SecurityPolicy policy = SecurityPolicy.byName(l.policy());
        ListenerTls tls = provider.listener(l.name(), policy, l.sessionResumption(), index, defaultLoaded[0]);
        return new ProxySnapshot.Listener(l, tls, routes);
    }

    /** Builds the listener's rule table, once per snapshot; a listener without rules gets its one action. */
    private static Routes routes(ProxyConfig.Listener l, TargetGroups.Plan groups) {
        RouteAction defaultAction = resolve(l.defaultAction(), groups);
        if (l.rules().isEmpty()) {
            return request -> defaultAction;
        }
        List<RuleTable.Rule> rules = new ArrayList<>();
        for (ProxyConfig.Rule r : l.rules()) {
            rules.add(new RuleTable.Rule(r.priority(), r.hosts(), r.paths(), resolve(r.action(), groups)));
        }
        return RuleTable.of(rules, defaultAction);
    }

    private static RouteAction resolve(ActionSpec spec, TargetGroups.Plan groups) {
        if (spec instanceof ActionSpec.Static s) {
            return s.action();
        }
        if (groups == null) {
            throw new IllegalStateException("a forward to target groups was validated but no groups were prepared");
        }
        return groups.resolve((ActionSpec.ToGroups) spec);
    }

    /** Reuses the previous snapshot's key material for identical bytes, or builds it. */
    private ServedCertificate prepare(LoadedCertificate loaded, ServedCertificate previous) {
        if (previous != null) {
            previous.retain();
            return previous;
        }
        try {
            return provider.serve(loaded);
        } catch (CertificateException e) {
            throw new Unchecked(e);
        }
    }

    /** Carries a checked exception out of a parallel task. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(CertificateException cause) {
            super(cause);
        }

        @Override
        public synchronized CertificateException getCause() {
            return (CertificateException) super.getCause();
        }
    }
}
