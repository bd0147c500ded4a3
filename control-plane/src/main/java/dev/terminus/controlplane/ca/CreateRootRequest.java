package dev.terminus.controlplane.ca;

import java.time.Period;

/**
 * Asks for a self-signed root CA ({@code ca create-root}). Validated on construction: the common
 * name is 1–64 characters, the key algorithm is a CA algorithm (EC_secp384r1 or RSA_4096) and the
 * validity is a positive period.
 */
public record CreateRootRequest(String commonName, KeyAlgorithm keyAlgorithm, Period validity) {

    public static final KeyAlgorithm DEFAULT_KEY_ALGORITHM = KeyAlgorithm.EC_secp384r1;
    public static final Period DEFAULT_VALIDITY = Period.ofYears(10);

    /** Validates every field; refusals name the field and value. */
    public CreateRootRequest {
        Fields.commonName("commonName", commonName);
        Fields.caKeyAlgorithm("keyAlgorithm", keyAlgorithm);
        Fields.validity("validity", validity);
    }

    /** Returns a request for {@code commonName} with the default key algorithm (EC P-384) and validity (10 years). */
    public static CreateRootRequest of(String commonName) {
        return new CreateRootRequest(commonName, DEFAULT_KEY_ALGORITHM, DEFAULT_VALIDITY);
    }

    /** Returns a copy with {@code keyAlgorithm}. */
    public CreateRootRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new CreateRootRequest(commonName, keyAlgorithm, validity);
    }

    /** Returns a copy with {@code validity}. */
    public CreateRootRequest withValidity(Period validity) {
        return new CreateRootRequest(commonName, keyAlgorithm, validity);
    }
}
