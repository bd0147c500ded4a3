package dev.terminus.proxy.http;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;

import java.net.ConnectException;
import java.util.Locale;

/**
 * Names every response the proxy generates itself instead of the backend. The {@link #code()}
 * goes into the {@code X-Terminus-Error} header so clients and logs can tell a proxy error from
 * a backend's own 5xx.
 */
enum ProxyError {
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "bad-request", "the request is malformed"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri-too-long", "the request line is too long"),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers-too-large",
            "the request header fields are too large"),
    REQUEST_HEADER_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "request-header-timeout",
            "the request header was not received in time"),
    BODY_TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body-too-large",
            "the request body is larger than the proxy accepts"),
    ROUTE_FAILED(HttpResponseStatus.INTERNAL_SERVER_ERROR, "route-failed", "no route could be chosen"),
    METHOD_NOT_SUPPORTED(HttpResponseStatus.NOT_IMPLEMENTED, "method-not-supported",
            "the proxy does not tunnel CONNECT requests"),
    NO_HEALTHY_TARGET(HttpResponseStatus.SERVICE_UNAVAILABLE, "no-healthy-target",
            "no target of the target group is healthy"),
    CONNECT_REFUSED(HttpResponseStatus.BAD_GATEWAY, "upstream-connect-refused",
            "the backend refused the connection"),
    CONNECT_FAILED(HttpResponseStatus.BAD_GATEWAY, "upstream-connect-failed",
            "the backend could not be reached"),
    CONNECT_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream-connect-timeout",
            "the backend did not accept the connection in time"),
    UPSTREAM_TLS_FAILED(HttpResponseStatus.BAD_GATEWAY, "upstream-tls-failed",
            "the TLS handshake with the backend failed"),
    RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream-response-timeout",
            "the backend did not answer in time"),
    UPSTREAM_RESET(HttpResponseStatus.BAD_GATEWAY, "upstream-reset",
            "the backend closed or reset the connection before answering"),
    MALFORMED_RESPONSE(HttpResponseStatus.BAD_GATEWAY, "upstream-malformed-response",
            "the backend sent a malformed response");

    private final HttpResponseStatus status;
    private final String code;
    private final String reason;

    ProxyError(HttpResponseStatus status, String code, String reason) {
        this.status = status;
        this.code = code;
        this.reason = reason;
    }

    HttpResponseStatus status() {
        return status;
    }

    /** Returns the stable token sent in {@code X-Terminus-Error}. */
    String code() {
        return code;
    }

    /** Returns the short text body: status line, then the cause in plain words. */
    String body() {
        return status.code() + " " + status.reasonPhrase() + ": " + reason + "\n";
    }

    /** Maps why a backend connection attempt failed to the error the client sees. */
    static ProxyError ofConnectFailure(Throwable cause) {
        // ConnectTimeoutException extends ConnectException, so it must be tested first.
        if (cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (isTls(cause)) {
            return UPSTREAM_TLS_FAILED;
        }
        // NIO and epoll both throw a ConnectException subclass; only the message (from the
        // OS's ECONNREFUSED text) tells a refusal from, say, an unreachable network.
        if (cause instanceof ConnectException && cause.getMessage() != null
                && cause.getMessage().toLowerCase(Locale.ROOT).contains("refused")) {
            return CONNECT_REFUSED;
        }
        // Anything else (unknown host, unreachable network, a transport that cannot register)
        // still means no connection exists.
        return CONNECT_FAILED;
    }

    /** Tells whether a failure came from TLS (a handshake refused, a certificate not trusted). */
    static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** Maps a downstream decoder failure to the 4xx that names it (RFC 9110 15.5, RFC 6585 5). */
    static ProxyError ofBadRequest(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HEADERS_TOO_LARGE;
        }
        return BAD_REQUEST;
    }
}
