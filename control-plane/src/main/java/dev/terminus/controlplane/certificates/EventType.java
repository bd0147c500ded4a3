package dev.terminus.controlplane.certificates;

/** Names what happened to a certificate, as written to the event log. */
public enum EventType {
    CERTIFICATE_ISSUED,
    CERTIFICATE_IMPORTED,
    CERTIFICATE_RENEWED,
    RENEWAL_FAILED,
    /** An IMPORTED certificate crossed one of the 45, 30, 15, 7, 3, 1 days-before-expiry thresholds. */
    APPROACHING_EXPIRATION,
    CERTIFICATE_EXPIRED,
    CERTIFICATE_REVOKED,
    CERTIFICATE_DELETED
}
