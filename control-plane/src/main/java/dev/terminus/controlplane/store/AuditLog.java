package dev.terminus.controlplane.store;

import java.time.Instant;
import java.util.List;

/** Appends and reads the API's audit log of mutating calls; nothing updates or deletes a row. Thread-safe, blocking. */
public interface AuditLog {

    /**
     * Records one call: {@code tokenId} is who ({@code anonymous} without a valid token),
     * {@code operation} and {@code target} (an ARN or token id, may be null) are what, {@code result}
     * is {@code OK} or the error code, {@code httpStatus} the answer's status. {@code id} is 0 in drafts.
     */
    record AuditEntry(long id, Instant at, String tokenId, String operation, String target, String result,
            int httpStatus) {
    }

    /** Appends {@code entry} and returns it with its id. */
    AuditEntry append(AuditEntry entry);

    /** Returns up to {@code limit} entries with id above {@code afterId}, oldest first. */
    List<AuditEntry> readAfter(long afterId, int limit);
}
