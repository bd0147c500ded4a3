package dev.terminus.controlplane.store;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.time.Instant;
import java.util.Set;

/**
 * Selects certificates: every non-null or non-empty filter must match; the result is ordered by
 * ARN, starts after {@code afterArn} (exclusive, null for the start) and holds at most {@code limit} rows.
 */
public record CertificateQuery(
        String region, Set<String> statuses, Set<String> types, Set<KeyAlgorithm> keyAlgorithms,
        Instant notAfterBefore, String afterArn, int limit) {

    /** Copies the sets; refuses a limit below 1. */
    public CertificateQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        types = types == null ? Set.of() : Set.copyOf(types);
        keyAlgorithms = keyAlgorithms == null ? Set.of() : Set.copyOf(keyAlgorithms);
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
        }
    }

    /** Returns a query for every certificate, {@code limit} at a time. */
    public static CertificateQuery all(int limit) {
        return new CertificateQuery(null, Set.of(), Set.of(), Set.of(), null, null, limit);
    }
}
