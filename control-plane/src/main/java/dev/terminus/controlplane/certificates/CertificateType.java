package dev.terminus.controlplane.certificates;

/** Names where a certificate came from (ACM's {@code Type}); {@code PUBLIC} arrives with ACME issuance. */
public enum CertificateType {
    /** Issued by the control plane's private CA; renewed automatically and exportable. */
    PRIVATE,
    /** Imported by its owner with its key; never renewed by the control plane, re-imported instead. */
    IMPORTED
}
