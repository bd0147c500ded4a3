package dev.terminus.controlplane.certificates;

/** Names a certificate's state, as ACM's {@code CertificateStatus}. */
public enum CertificateStatus {
    /** Waiting for domain validation (public certificates only; never set for PRIVATE or IMPORTED). */
    PENDING_VALIDATION,
    /** Valid and usable. */
    ISSUED,
    /** Not in use and not usable (kept for ACM parity). */
    INACTIVE,
    /** Past its notAfter. */
    EXPIRED,
    /** Domain validation did not finish in time (public certificates only). */
    VALIDATION_TIMED_OUT,
    /** Revoked by its CA. */
    REVOKED,
    /** Issuance failed. */
    FAILED
}
