package dev.terminus.proxy.runtime;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes the current snapshot. The data path reads it with one volatile load per connection
 * and never takes a lock; an update swaps the whole snapshot and then retires the old one.
 */
public final class SnapshotHolder {
    private final AtomicReference<ProxySnapshot> current = new AtomicReference<>();

    /** Returns the current snapshot, or {@code null} before the first one is published. */
    public ProxySnapshot current() {
        return current.get();
    }

    /** Publishes a new snapshot and retires the previous one, whose in-flight users keep theirs. */
    void publish(ProxySnapshot next) {
        ProxySnapshot previous = current.getAndSet(next);
        if (previous != null) {
            previous.release();
        }
    }

    /** Retires the current snapshot at shutdown. */
    void clear() {
        ProxySnapshot previous = current.getAndSet(null);
        if (previous != null) {
            previous.release();
        }
    }
}
