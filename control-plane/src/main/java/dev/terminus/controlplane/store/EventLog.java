package dev.terminus.controlplane.store;

import java.util.List;

/** Appends to and reads the event log; entries are never changed or removed. Thread-safe, blocking. */
public interface EventLog {

    /** Appends {@code event} and returns it with its assigned id. */
    StoredEvent append(StoredEvent event);

    /** Returns up to {@code limit} events with ids greater than {@code afterId}, oldest first. */
    List<StoredEvent> readAfter(long afterId, int limit);
}
