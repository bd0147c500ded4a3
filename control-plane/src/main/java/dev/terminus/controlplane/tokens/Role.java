package dev.terminus.controlplane.tokens;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Names what a token may do, each role including the one before it, modelled on ACM's managed IAM
 * policies: {@link #READER} is {@code AWSCertificateManagerReadOnly}; {@link #OPERATOR} adds the
 * calls that create or change certificates; {@link #ADMIN} adds those that destroy or reveal:
 * delete, export of a private key, and token management.
 */
public enum Role {
    /** Reads: list, describe, tags, CA chains, events. */
    READER,
    /** Reader, plus request, import, re-import and tag changes. */
    OPERATOR,
    /** Operator, plus delete, export (a private key leaves the control plane) and token management. */
    ADMIN;

    /** Returns the wire name, e.g. {@code operator}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns whether this role includes {@code required}. */
    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** Parses a wire name, case-insensitively; refuses anything else with an {@link IllegalArgumentException} naming {@code field}. */
    public static Role parse(String field, String value) {
        for (Role role : values()) {
            if (role.wireName().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return role;
            }
        }
        throw new IllegalArgumentException(field + ": " + (value == null ? "null" : "\"" + value + "\"") + " (expected: one of "
                + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")) + ")");
    }
}
