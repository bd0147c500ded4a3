package dev.terminus.controlplane.certificates;

import java.util.Locale;

/**
 * Names why the inventory refused a call. {@link #code()} is the stable wire name (e.g.
 * {@code KeyMismatch}) the HTTP API and CLI show; the constants are that name in Java style.
 */
public enum ErrorCode {
    /** A PEM input does not parse, or holds the wrong number or kind of blocks. */
    MALFORMED_CERTIFICATE,
    /** The private key does not match the certificate's public key. */
    KEY_MISMATCH,
    /** The chain is out of order, or its first certificate does not sign the leaf. */
    CHAIN_ORDER,
    /** The certificate's notAfter is in the past. */
    EXPIRED,
    /** The certificate's notBefore is in the future. */
    NOT_YET_VALID,
    /** An RSA key under 2048 bits. */
    WEAK_KEY,
    /** An EC key on a curve other than P-256 or P-384. */
    UNSUPPORTED_CURVE,
    /** A key type or RSA size the inventory does not support (e.g. Ed25519, RSA 8192). */
    UNSUPPORTED_KEY_ALGORITHM,
    /** The certificate has neither a DNS subject alternative name nor a common name. */
    NO_DOMAIN_NAME,
    /** The private key is passphrase-protected; import wants it in clear (it is encrypted at rest here). */
    ENCRYPTED_KEY,
    /** An input exceeds its size limit. */
    INPUT_TOO_LARGE,
    /** The certificate offered as the leaf is a CA certificate. */
    CA_CERTIFICATE_AS_LEAF,
    /** No certificate has that ARN. */
    RESOURCE_NOT_FOUND,
    /** The ARN is malformed. */
    INVALID_ARN,
    /** The certificate is bound to resources; the message names them. */
    RESOURCE_IN_USE,
    /** A field is missing or out of range, or the operation does not apply to this certificate. */
    INVALID_PARAMETER,
    /** The certificate changed while the call ran; retrying reads the new state. */
    CONFLICT,
    /** The call asks for what is already done, e.g. revoking a revoked certificate (AWS Private CA's code). */
    REQUEST_ALREADY_PROCESSED;

    private final String code = wireName(name());

    /** Returns the stable wire name, e.g. {@code ResourceInUse}. */
    public String code() {
        return code;
    }

    private static String wireName(String constant) {
        StringBuilder name = new StringBuilder();
        for (String part : constant.split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
