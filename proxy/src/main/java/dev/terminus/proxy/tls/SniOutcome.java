package dev.terminus.proxy.tls;

/** Says how the certificate for a handshake was found; a label of the handshake metric. */
public enum SniOutcome {
    /** The SNI name matched a certificate name exactly. */
    EXACT,
    /** The SNI name matched a one-label wildcard. */
    WILDCARD,
    /** The client sent no SNI; the listener's default certificate was served. */
    DEFAULT,
    /** The client sent a name no certificate has; the default was served (strict SNI off). */
    UNKNOWN,
    /** The client sent a name no certificate has and strict SNI refused it. */
    REFUSED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    public String label() {
        return label;
    }
}
