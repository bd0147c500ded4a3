package dev.terminus.controlplane.ca;

import java.time.Period;

/**
 * Asks for the subordinate CA of one region ({@code ca create-subordinate --region R}), signed by
 * the root with path length 0. Validated on construction; whether the validity fits inside the
 * root's remaining life is checked when the hierarchy signs it.
 */
public record CreateSubordinateRequest(String region, String commonName, KeyAlgorithm keyAlgorithm, Period validity) {

    public static final KeyAlgorithm DEFAULT_KEY_ALGORITHM = KeyAlgorithm.EC_secp384r1;
    public static final Period DEFAULT_VALIDITY = Period.ofYears(5);

    /** Validates every field; refusals name the field and value. */
    public CreateSubordinateRequest {
        Fields.region("region", region);
        Fields.commonName("commonName", commonName);
        Fields.caKeyAlgorithm("keyAlgorithm", keyAlgorithm);
        Fields.validity("validity", validity);
    }

    /**
     * Returns a request for {@code region} with the common name "Terminus Subordinate CA
     * {@code region}", the default key algorithm (EC P-384) and validity (5 years).
     */
    public static CreateSubordinateRequest of(String region) {
        return new CreateSubordinateRequest(region, "Terminus Subordinate CA " + Fields.region("region", region),
                DEFAULT_KEY_ALGORITHM, DEFAULT_VALIDITY);
    }

    /** Returns a copy with {@code commonName}. */
    public CreateSubordinateRequest withCommonName(String commonName) {
        return new CreateSubordinateRequest(region, commonName, keyAlgorithm, validity);
    }

    /** Returns a copy with {@code keyAlgorithm}. */
    public CreateSubordinateRequest withKeyAlgorithm(KeyAlgorithm keyAlgorithm) {
        return new CreateSubordinateRequest(region, commonName, keyAlgorithm, validity);
    }

    /** Returns a copy with {@code validity}. */
    public CreateSubordinateRequest withValidity(Period validity) {
        return new CreateSubordinateRequest(region, commonName, keyAlgorithm, validity);
    }
}
