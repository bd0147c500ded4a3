package dev.terminus.controlplane.ca;

import java.util.Objects;

/**
 * Holds a DER-encoded OCSPResponse (RFC 6960 §4.2.1) and its response status, so that callers
 * can count outcomes without parsing the bytes again.
 */
public record OcspAnswer(Status status, byte[] der) {

    /** Names the {@code OCSPResponseStatus} values this responder sends. */
    public enum Status {
        /** A signed BasicOCSPResponse follows. */
        SUCCESSFUL,
        /** The request did not parse, or asked for nothing. */
        MALFORMED_REQUEST,
        /** No certificate in the request was issued by a CA this responder answers for (RFC 5019 §2.2.3). */
        UNAUTHORIZED
    }

    /** Refuses missing parts. */
    public OcspAnswer {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(der, "der");
    }
}
