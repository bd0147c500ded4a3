package dev.terminus.controlplane.ca;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/** Holds one revoked serial number of a region's subordinate: when and why, as a CRL entry carries it. */
public record RevokedSerial(BigInteger serial, Instant revokedAt, RevocationReason reason) {

    /** Refuses missing parts. */
    public RevokedSerial {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(revokedAt, "revokedAt");
        Objects.requireNonNull(reason, "reason");
    }
}
