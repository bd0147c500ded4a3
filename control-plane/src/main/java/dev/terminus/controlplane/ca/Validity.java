package dev.terminus.controlplane.ca;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Holds a certificate's notBefore and notAfter, computed from an injected clock and fitted inside its issuer's. */
record Validity(Instant notBefore, Instant notAfter) {

    // smallstep backdates by one minute, so that a relying party whose clock lags a little
    // already accepts a certificate issued a moment ago.
    static final Duration BACKDATE = Duration.ofMinutes(1);
    // RFC 5280 §4.1.2.5: GeneralizedTime ends in 9999; later dates cannot be encoded.
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** Computes the validity of a self-signed certificate starting now; refuses periods past year 9999. */
    static Validity selfSigned(Clock clock, String field, Period period) {
        Instant now = now(clock);
        return new Validity(now.minus(BACKDATE), end(now, field, period));
    }

    /**
     * Computes the validity of a certificate signed by {@code issuer}, starting now. Refuses, rather
     * than clamps, when the issuer is not valid now or when the period would end after the issuer's
     * notAfter: a silently shortened certificate would surprise its owner at renewal time.
     */
    static Validity issuedBy(X509Certificate issuer, Clock clock, String field, Period period) {
        Instant now = now(clock);
        Instant issuerStart = issuer.getNotBefore().toInstant();
        Instant issuerEnd = issuer.getNotAfter().toInstant();
        String subject = issuer.getSubjectX500Principal().getName();
        if (now.isBefore(issuerStart) || now.isAfter(issuerEnd)) {
            throw new CaException(CaException.Code.VALIDITY_OUTSIDE_ISSUER, field + ": " + period
                    + " (expected: issuance while the issuer " + subject + " is valid, from " + issuerStart
                    + " to " + issuerEnd + "; now is " + now + ")");
        }
        Instant end = end(now, field, period);
        if (end.isAfter(issuerEnd)) {
            throw new CaException(CaException.Code.VALIDITY_OUTSIDE_ISSUER, field + ": " + period
                    + " (ends " + end + "; expected: ends on or before the issuer " + subject
                    + "'s notAfter " + issuerEnd + ")");
        }
        Instant start = now.minus(BACKDATE);
        return new Validity(start.isBefore(issuerStart) ? issuerStart : start, end);
    }

    private static Instant now(Clock clock) {
        // X.509 times have one-second resolution; truncating keeps comparisons with decoded certificates exact.
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static Instant end(Instant now, String field, Period period) {
        try {
            Instant end = now.atOffset(ZoneOffset.UTC).plus(period).toInstant();
            if (!end.isAfter(LATEST)) {
                return end;
            }
        } catch (DateTimeException | ArithmeticException e) {
            // fall through to the refusal below: the period overflows the calendar
        }
        throw CaException.invalid(field, period, "a period ending before " + LATEST);
    }
}
