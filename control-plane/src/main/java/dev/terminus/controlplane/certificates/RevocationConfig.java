package dev.terminus.controlplane.certificates;

import java.time.Duration;

/**
 * Holds the revocation settings: how long a CRL is valid ({@code nextUpdate - thisUpdate}; it is
 * re-signed after half of it) and how long an OCSP answer is valid.
 */
public record RevocationConfig(Duration crlValidity, Duration ocspValidity) {

    /** A CRL is valid 24 hours, re-signed every 12 (AWS Private CA refreshes its CRLs about twice a day). */
    public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofHours(24);
    /** OCSP answers are computed per request, so a short validity bounds how long clients cache a "good". */
    public static final Duration DEFAULT_OCSP_VALIDITY = Duration.ofHours(1);
    /** The defaults. */
    public static final RevocationConfig DEFAULTS = new RevocationConfig(DEFAULT_CRL_VALIDITY, DEFAULT_OCSP_VALIDITY);

    /** Validates both periods: at least one minute (CRL and OCSP times have one-second precision). */
    public RevocationConfig {
        atLeastAMinute("crlValidity", crlValidity);
        atLeastAMinute("ocspValidity", ocspValidity);
    }

    private static void atLeastAMinute(String field, Duration value) {
        if (value == null || value.compareTo(Duration.ofMinutes(1)) < 0) {
            throw CertificateException.invalid(field, value, "a duration of at least PT1M, e.g. PT24H");
        }
    }
}
