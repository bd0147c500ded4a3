package dev.terminus.proxy.runtime;

import dev.terminus.proxy.config.ProxyConfig;
import dev.terminus.proxy.http.Routes;
import dev.terminus.proxy.tls.ListenerTls;
import dev.terminus.proxy.tls.ServedCertificate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds everything the data path reads: per listener its TLS state and its routes. Immutable,
 * validated whole before it is published, and replaced whole. Today a YAML file produces it; the
 * control plane will push it later without any change to the data path.
 */
public final class ProxySnapshot {
    private final ProxyConfig config;
    private final Map<String, Listener> listeners;
    private final List<ServedCertificate> owned;
    private final long version;
    private final AtomicBoolean released = new AtomicBoolean();

    /** One listener's state in this snapshot; {@code tls} is {@code null} for a plain HTTP listener. */
    public record Listener(ProxyConfig.Listener config, ListenerTls tls, Routes routes) {
    }

    ProxySnapshot(ProxyConfig config, Map<String, Listener> listeners, List<ServedCertificate> owned, long version) {
        this.config = config;
        this.listeners = Map.copyOf(listeners);
        this.owned = List.copyOf(owned);
        this.version = version;
    }

    public ProxyConfig config() {
        return config;
    }

    /** Returns the named listener's state, or {@code null}. */
    public Listener listener(String name) {
        return listeners.get(name);
    }

    public Map<String, Listener> listeners() {
        return listeners;
    }

    /** Returns the distinct certificates this snapshot holds a reference to. */
    List<ServedCertificate> owned() {
        return owned;
    }

    /** Returns a number that grows with every published snapshot. */
    public long version() {
        return version;
    }

    /**
     * Drops this snapshot's references to its key material. Connections in flight hold their
     * own references, so they keep working; new connections read the newer snapshot.
     */
    void release() {
        if (released.compareAndSet(false, true)) {
            owned.forEach(ServedCertificate::release);
        }
    }
}
