package dev.terminus.controlplane.certificates;

/** Says whether the control plane renews a certificate itself (ACM's {@code RenewalEligibility}). */
public enum RenewalEligibility {
    /** PRIVATE certificates: renewed inside the window before expiry. */
    ELIGIBLE,
    /** IMPORTED certificates: their owner re-imports them. */
    INELIGIBLE
}
