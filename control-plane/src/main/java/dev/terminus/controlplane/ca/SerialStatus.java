package dev.terminus.controlplane.ca;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Looks up whether a serial number of a region's subordinate is revoked, for the OCSP responder.
 * Implementations read the current revocation state on every call (a stale answer would say
 * "good" for a revoked certificate); they block on I/O.
 */
@FunctionalInterface
public interface SerialStatus {

    /** Returns the revocation of {@code serial} issued by {@code region}'s subordinate, empty if it is not revoked. */
    Optional<RevokedSerial> revocation(String region, BigInteger serial);
}
