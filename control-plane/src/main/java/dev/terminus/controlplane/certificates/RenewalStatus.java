package dev.terminus.controlplane.certificates;

/** Names the outcome of managed renewal, as ACM's {@code RenewalSummary.RenewalStatus}. */
public enum RenewalStatus {
    /** Inside the renewal window, waiting for the next attempt. */
    PENDING_AUTO_RENEWAL,
    /** The last renewal succeeded. */
    SUCCESS,
    /** The last attempt failed; it is retried with backoff until expiry. */
    FAILED
}
