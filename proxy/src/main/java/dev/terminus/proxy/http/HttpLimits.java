package dev.terminus.proxy.http;

import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Bounds what one downstream connection may cost the proxy. Immutable; validated on construction.
 * A connection keeps the limits it started with: a reload applies new limits to new connections.
 *
 * @param maxInitialLineLength       longest request line accepted, in bytes; longer gets 414
 * @param maxHeaderSize              largest header block accepted, in bytes (also HTTP/2
 *                                   {@code SETTINGS_MAX_HEADER_LIST_SIZE}); larger gets 431
 * @param maxBodySize                largest request body accepted, in bytes, or 0 for no limit; a
 *                                   larger declared body gets 413 before anything is forwarded
 * @param connectTimeoutMillis       how long to wait for a backend connection before answering 504
 * @param responseTimeoutMillis      how long to wait for the backend's response head, counted from
 *                                   the end of the forwarded request, before answering 504
 * @param idleTimeoutMillis          how long a downstream connection, or a kept-alive backend
 *                                   connection, may carry no bytes before it is closed
 * @param requestHeaderTimeoutMillis how long an HTTP/1.1 client may take to send a request's header
 *                                   block (see {@link RequestHeaderTimer} for when the clock starts)
 */
public record HttpLimits(int maxInitialLineLength, int maxHeaderSize, long maxBodySize, int connectTimeoutMillis,
                         int responseTimeoutMillis, int idleTimeoutMillis, int requestHeaderTimeoutMillis) {

    public HttpLimits {
        requirePositive("maxInitialLineLength", maxInitialLineLength);
        requirePositive("maxHeaderSize", maxHeaderSize);
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: >= 0, 0 for no limit)");
        }
        requirePositive("connectTimeoutMillis", connectTimeoutMillis);
        requirePositive("responseTimeoutMillis", responseTimeoutMillis);
        requirePositive("idleTimeoutMillis", idleTimeoutMillis);
        requirePositive("requestHeaderTimeoutMillis", requestHeaderTimeoutMillis);
    }

    /**
     * Returns limits close to common edge proxies: 8 KiB request line and 16 KiB headers (nginx
     * {@code large_client_header_buffers}), no body limit (ALB has none), 10 s connect (ALB),
     * 60 s response, idle (ALB) and request-header (nginx {@code client_header_timeout}) timeouts.
     */
    public static HttpLimits defaults() {
        return new HttpLimits(8_192, 16_384, 0, 10_000, 60_000, 60_000, 60_000);
    }

    /** Returns whether a request body of {@code bytes} is over the limit. */
    boolean bodyTooLarge(long bytes) {
        return maxBodySize > 0 && bytes > maxBodySize;
    }

    /** Returns whether the request's Content-Length is over the limit (false without one). */
    boolean declaredBodyTooLarge(HttpMessage request) {
        if (maxBodySize == 0) {
            return false;
        }
        try {
            return bodyTooLarge(HttpUtil.getContentLength(request, -1L));
        } catch (NumberFormatException e) {
            // The codecs refuse a malformed length before it gets here; nothing to compare.
            return false;
        }
    }

    /** Returns a copy with another connect timeout. */
    public HttpLimits withConnectTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, maxBodySize, millis, responseTimeoutMillis,
                idleTimeoutMillis, requestHeaderTimeoutMillis);
    }

    /** Returns a copy with another response timeout. */
    public HttpLimits withResponseTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, maxBodySize, connectTimeoutMillis, millis,
                idleTimeoutMillis, requestHeaderTimeoutMillis);
    }

    /** Returns a copy with another idle timeout. */
    public HttpLimits withIdleTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, maxBodySize, connectTimeoutMillis,
                responseTimeoutMillis, millis, requestHeaderTimeoutMillis);
    }

    /** Returns a copy with another request-header timeout. */
    public HttpLimits withRequestHeaderTimeoutMillis(int millis) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, maxBodySize, connectTimeoutMillis,
                responseTimeoutMillis, idleTimeoutMillis, millis);
    }

    /** Returns a copy with another body limit (0 for none). */
    public HttpLimits withMaxBodySize(long bytes) {
        return new HttpLimits(maxInitialLineLength, maxHeaderSize, bytes, connectTimeoutMillis,
                responseTimeoutMillis, idleTimeoutMillis, requestHeaderTimeoutMillis);
    }

    /** Returns a copy with another header-block limit. */
    public HttpLimits withMaxHeaderSize(int bytes) {
        return new HttpLimits(maxInitialLineLength, bytes, maxBodySize, connectTimeoutMillis,
                responseTimeoutMillis, idleTimeoutMillis, requestHeaderTimeoutMillis);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
