package dev.terminus.proxy.http;

import java.net.InetSocketAddress;

/**
 * Describes the downstream connection a request arrived on, as the HTTP layer needs it for
 * {@code X-Forwarded-*} headers and logging. Immutable; built once per connection after the
 * TLS handshake.
 *
 * @param client      the peer address of the downstream connection
 * @param localPort   the listener port the client connected to
 * @param scheme      {@code "https"} for TLS listeners, {@code "http"} for plain ones
 * @param sni         the server name the client asked for, normalised, or {@code null}
 * @param tlsProtocol negotiated protocol such as {@code TLSv1.3}, or {@code null} without TLS
 * @param cipher      negotiated cipher suite, or {@code null} without TLS
 * @param listener       the listener's name, or {@code null}
 * @param handshakeNanos from accept to the end of the TLS handshake, or {@code -1} without TLS
 */
public record ConnectionInfo(InetSocketAddress client, int localPort, String scheme, String sni,
                             String tlsProtocol, String cipher, String listener, long handshakeNanos) {

    /** Describes a connection without naming its listener or timing its handshake. */
    public ConnectionInfo(InetSocketAddress client, int localPort, String scheme, String sni, String tlsProtocol,
                          String cipher) {
        this(client, localPort, scheme, sni, tlsProtocol, cipher, null, -1);
    }
}
