package dev.terminus.controlplane.certificates;

/** Reads the event log after a cursor: events with id greater than {@code afterId}, at most {@code limit}. */
public record ReadEventsRequest(long afterId, int limit) {

    public static final int MAX_LIMIT = 1000;

    /** Validates the cursor and limit. */
    public ReadEventsRequest {
        if (afterId < 0) {
            throw CertificateException.invalid("afterId", afterId, ">= 0 (0 reads from the start)");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CertificateException.invalid("limit", limit, "1 to " + MAX_LIMIT);
        }
    }
}
