package dev.terminus.controlplane.ca;

import java.util.Arrays;
import java.util.List;

/**
 * Names why a certificate was revoked, as RFC 5280 §5.3.1 {@code CRLReason} in ACM's spelling;
 * {@link #code()} is the value written to CRL entries and OCSP responses. {@code REMOVE_FROM_CRL}
 * exists only so that a request naming it gets a precise refusal: it un-revokes a certificate on
 * hold in a delta CRL, and revocation here is permanent.
 */
public enum RevocationReason {
    UNSPECIFIED(0),
    KEY_COMPROMISE(1),
    CA_COMPROMISE(2),
    AFFILIATION_CHANGED(3),
    SUPERSEDED(4),
    CESSATION_OF_OPERATION(5),
    CERTIFICATE_HOLD(6),
    // RFC 5280: value 7 is not used.
    REMOVE_FROM_CRL(8),
    PRIVILEGE_WITHDRAWN(9),
    A_A_COMPROMISE(10);

    /** The reasons a revocation may carry: all but {@link #REMOVE_FROM_CRL}. */
    public static final List<RevocationReason> REVOCABLE = Arrays.stream(values()).filter(r -> r != REMOVE_FROM_CRL).toList();

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    /** Returns the RFC 5280 {@code CRLReason} value. */
    public int code() {
        return code;
    }

    /** Parses an ACM name such as {@code KEY_COMPROMISE}; refuses anything else, listing the names. */
    public static RevocationReason parse(String name) {
        for (RevocationReason reason : values()) {
            if (reason.name().equals(name)) {
                return reason;
            }
        }
        throw CaException.invalid("reason", name, "one of " + REVOCABLE);
    }

    /** Returns the reason whose RFC 5280 value is {@code code}; refuses unknown values. */
    public static RevocationReason ofCode(int code) {
        for (RevocationReason reason : values()) {
            if (reason.code == code) {
                return reason;
            }
        }
        throw CaException.invalid("reasonCode", code, "an RFC 5280 CRLReason value: 0-6 or 8-10");
    }
}
