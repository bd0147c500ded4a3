package dev.terminus.proxy.accesslog;

import java.net.InetSocketAddress;

/**
 * Holds what one request's access-log line says, as the event loop saw it: references and
 * numbers only, so building it costs one allocation; turning it into text is the writer
 * thread's job. Request strings are kept as the codec produced them (one char per byte).
 * Durations are nanoseconds, {@code -1} where they do not apply (written as {@code null}).
 *
 * @param timeMillis    wall-clock time the request head arrived, epoch milliseconds
 * @param connection    the downstream connection, shared by its requests
 * @param httpVersion   {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2}
 * @param method        the request method
 * @param uri           the request target as sent (path and query)
 * @param host          the {@code Host} header (HTTP/2: {@code :authority}), or {@code null}
 * @param status        the status the client got, or 0 when no response head was sent
 * @param bytesIn       request body bytes received
 * @param bytesOut      response body bytes sent
 * @param targetHost    the backend the request went to, or {@code null} when not forwarded
 * @param targetPort    the backend's port, 0 when not forwarded
 * @param targetGroup   the target group of that backend, or {@code null}
 * @param connectNanos  opening the backend connection; 0 when an idle one was reused
 * @param responseNanos from the request head going to the backend to its response head
 * @param durationNanos from the request head arriving to the response's last byte written
 * @param error         the proxy's error code when it answered or cut the response itself
 * @param requestId     the request id, or {@code null}
 */
public record AccessLogEntry(long timeMillis, Connection connection, String httpVersion, String method, String uri,
                             String host, int status, long bytesIn, long bytesOut, String targetHost, int targetPort,
                             String targetGroup, long connectNanos, long responseNanos, long durationNanos,
                             String error, String requestId) {

    /**
     * Describes a downstream connection once, for every line of its requests.
     *
     * @param listener       the listener's name, or {@code null}
     * @param client         the client's address
     * @param sni            the server name the client sent, normalised, or {@code null}
     * @param tlsProtocol    such as {@code TLSv1.3}, or {@code null} without TLS
     * @param tlsCipher      the negotiated cipher suite, or {@code null} without TLS
     * @param handshakeNanos from accept to the end of the TLS handshake, {@code -1} without TLS
     */
    public record Connection(String listener, InetSocketAddress client, String sni, String tlsProtocol,
                             String tlsCipher, long handshakeNanos) {
    }
}
