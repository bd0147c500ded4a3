package dev.terminus.proxy.http;

/**
 * Bounds what one downstream connection may cost the proxy. Immutable; validated on construction.
 *
 * @param maxInitialLineLength  longest request line accepted, in bytes; longer gets 414
 * @param maxHeaderSize         largest header block accepted, in bytes (also HTTP/2
 *                              {@code SETTINGS_MAX_HEADER_LIST_SIZE}); larger gets 431
 * @param connectTimeoutMillis  how long to wait for a backend connection before answering 504
 * @param responseTimeoutMillis how long to wait for the backend's response head, counted from
 *                              the end of the forwarded request, before answering 504
 * @param idleTimeoutMillis     how long a downstream connection, or a kept-alive backend
 *                              connection, may carry no bytes before it is closed
 */
public record HttpLimits(int maxInitialLineLength, int maxHeaderSize, int connectTimeoutMillis,
                         int responseTimeoutMillis, int idleTimeoutMillis) {

    public HttpLimits {
        requirePositive("maxInitialLineLength", maxInitialLineLength);
        requirePositive("maxHeaderSize", maxHeaderSize);
        requirePositive("connectTimeoutMillis", connectTimeoutMillis);
        requirePositive("responseTimeoutMillis", responseTimeoutMillis);
        requirePositive("idleTimeoutMillis", idleTimeoutMillis);
    }

    /** Returns limits close to common edge proxies: 8 KiB request line, 16 KiB headers, 60 s idle. */
    public static HttpLimits defaults() {
        return new HttpLimits(8_192, 16_384, 10_000, 30_000, 60_000);
    }

    /** Returns a copy with another connect timeout. */
    public HttpLimits withConnectTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, millis, responseTimeoutMillis,
                idleTimeoutMillis);
    }

    /** Returns a copy with another response timeout. */
    public HttpLimits withResponseTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, connectTimeoutMillis, millis,
                idleTimeoutMillis);
    }

    /** Returns a copy with another idle timeout. */
    public HttpLimits withIdleTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, connectTimeoutMillis,
                responseTimeoutMillis, millis);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
