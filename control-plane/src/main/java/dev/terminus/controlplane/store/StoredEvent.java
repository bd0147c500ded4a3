package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Holds one entry of the append-only event log. {@code id} is assigned by the store on append,
 * strictly increasing (0 on a draft); {@code type} is the name of the inventory's event type;
 * {@code certificateArn} may be null for events about no certificate.
 */
public record StoredEvent(long id, Instant at, String type, String certificateArn, String detail) {

    /** Refuses missing fields. */
    public StoredEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(detail, "detail");
    }

    /** Returns an event to append; the store assigns the id. */
    public static StoredEvent draft(Instant at, String type, String certificateArn, String detail) {
        return new StoredEvent(0, at, type, certificateArn, detail);
    }
}
