package dev.terminus.proxy.runtime;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.http.Routes;
import dev.terminus.proxy.tls.CertificateException;
import dev.terminus.proxy.tls.CertificateIndex;
import dev.terminus.proxy.tls.CertificateReader;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.LoadedCertificate;
import dev.terminus.proxy.tls.SecurityPolicy;
import dev.terminus.proxy.tls.ServedCertificate;
import dev.terminus.proxy.tls.TlsProvider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Map<String, ServedCertificate> reusable = new HashMap<>();
        if (previous != null) {
            for (ServedCertificate c : previous.owned()) {
                reusable.put(c.fingerprint(), c);
            }
        }
        Map<String, ServedCertificate> owned = new LinkedHashMap<>();
        try {
            Map<String, ProxySnapshot.Listener> listeners = new LinkedHashMap<>();
            for (ProxyConfig.Listener l : config.listeners()) {
                listeners.put(l.name(), listener(l, reusable, owned));
            }
            return new ProxySnapshot(config, listeners, new ArrayList<>(owned.values()), version);
        } catch (CertificateException | RuntimeException e) {
            owned.values().forEach(ServedCertificate::release);
            throw e;
        }
    }

    private ProxySnapshot.Listener listener(ProxyConfig.Listener l, Map<String, ServedCertificate> reusable,
                                            Map<String, ServedCertificate> owned) throws CertificateException {
        List<ServedCertificate> served = new ArrayList<>();
        ServedCertificate defaultServed = null;
        LoadedCertificate defaultLoaded = null;
        for (ProxyConfig.Certificate c : l.certificates()) {
            LoadedCertificate loaded = reader.read(c.name(), c.chain(), c.key());
            ServedCertificate s = owned.get(loaded.fingerprint());
            if (s == null) {
                s = reusable.get(loaded.fingerprint());
                if (s != null) {
                    s.retain();
                } else {
                    s = provider.serve(loaded);
                }
                owned.put(loaded.fingerprint(), s);
            }
            served.add(s);
            if (c.name().equals(l.defaultCertificate())) {
                defaultServed = s;
                defaultLoaded = loaded;
            }
        }
        if (defaultServed == null) {
            throw new IllegalStateException("listener '" + l.name() + "': default certificate '"
                    + l.defaultCertificate() + "' was validated but not loaded");
        }
        CertificateIndex index = CertificateIndex.build(served, defaultServed, l.strictSni());
        SecurityPolicy policy = SecurityPolicy.byName(l.policy());
        ListenerTls tls = provider.listener(l.name(), policy, l.sessionResumption(), index, defaultLoaded);
        RouteAction action = l.action();
        Routes routes = request -> action;
        return new ProxySnapshot.Listener(l, tls, routes);
    }
}
