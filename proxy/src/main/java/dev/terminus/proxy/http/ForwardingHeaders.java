package dev.terminus.proxy.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;

/**
 * Rewrites message heads as they cross the proxy: hop-by-hop fields stay on their hop, the
 * backend learns who the client is through {@code X-Forwarded-*}, and bodies are re-framed by
 * the codec of the next hop.
 */
final class ForwardingHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_TERMINUS_ERROR = AsciiString.cached("x-terminus-error");

    // Netty deprecates its constants for these two because they are obsolete; that is exactly
    // why a proxy must still strip them when an old client sends them.
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

    /**
     * Fields that describe one connection, not the message (RFC 9110 7.6.1), plus those the
     * older RFC 2616 13.5.1 list named and that proxies still strip (Proxy-Connection, Trailer).
     * Transfer-Encoding is removed too: each hop's codec frames the body itself (RFC 9112 6.1).
     */
    private static final AsciiString[] HOP_BY_HOP = {
            HttpHeaderNames.CONNECTION, KEEP_ALIVE, PROXY_CONNECTION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE};
    private static final AsciiString CHUNKED = HttpHeaderValues.CHUNKED;
    private static final AsciiString COMMA_SPACE = AsciiString.cached(", ");

    private ForwardingHeaders() {
    }

    /**
     * Builds the HTTP/1.1 request head sent to a backend from a downstream request head. Mutates
     * and shares the downstream head's header object; the downstream head must not be used again.
     */
    static HttpRequest toUpstream(HttpRequest request, ConnectionInfo info, boolean http2) {
        return toUpstream(request, ForwardedValues.of(info), http2);
    }

    /** Same as {@link #toUpstream(HttpRequest, ConnectionInfo, boolean)}, with the connection's values formatted once. */
    static HttpRequest toUpstream(HttpRequest request, ForwardedValues forwarded, boolean http2) {
        HttpHeaders headers = request.headers();
        // A body of unknown length must stay chunked on the next hop; read this before stripping.
        boolean chunked = isChunked(request);
        boolean webSocket = !http2 && isWebSocketUpgrade(request);
        stripHopByHop(headers);
        if (webSocket) {
            // The one upgrade passed on (RFC 6455 4.1): the hop-by-hop pair is rebuilt for the next
            // hop, so the backend can answer 101 and the connection becomes a Tunnel.
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        }
        if (http2) {
            // Http2StreamFrameToHttpObjectCodec has already turned :authority into Host (RFC 9113
            // 8.3.1); drop the x-http2-* fields it adds so they never reach a backend.
            for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
                headers.remove(name.text());
            }
        }
        if (chunked) {
            // RFC 9112 6.3: with Transfer-Encoding present, Content-Length must not be sent.
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, CHUNKED);
        }
        AsciiString client = forwarded.client();
        String prior = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, prior == null || prior.isBlank() ? client : prior + COMMA_SPACE + client);
        // The proxy is the only party that knows these; a client's own values are overwritten,
        // as ALB does, so a backend can trust them.
        headers.set(X_FORWARDED_PROTO, forwarded.proto());
        headers.set(X_FORWARDED_PORT, forwarded.port());
        // RFC 9110 6.2: the proxy speaks its own version on the next hop. A decoded HTTP/1.1 head
        // (the codec's own class: a head only, never a FullHttpRequest carrying content) already
        // says it, and nothing reads it after this: it is sent as it is rather than copied.
        if (request.getClass() == DefaultHttpRequest.class && HttpVersion.HTTP_1_1.equals(request.protocolVersion())) {
            return request;
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }

    /**
     * Tells whether a request asks to switch an HTTP/1.1 connection to WebSocket (RFC 6455 4.1):
     * a {@code GET} without a body carrying {@code Upgrade: websocket} and {@code Connection: upgrade}.
     */
    static boolean isWebSocketUpgrade(HttpRequest request) {
        HttpHeaders h = request.headers();
        return HttpMethod.GET.equals(request.method())
                && HttpVersion.HTTP_1_1.equals(request.protocolVersion())
                && h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && !HttpUtil.isTransferEncodingChunked(request)
                && HttpUtil.getContentLength(request, 0L) == 0;
    }

    /**
     * Prepares a backend response head for the downstream hop: strips hop-by-hop fields, sets
     * HTTP/1.1 and frames a body of unknown length as chunked. {@code bodyExpected} is false for
     * responses to HEAD and for 1xx, 204 and 304 (RFC 9110 6.4.1).
     */
    static void toDownstream(HttpResponse response, boolean bodyExpected) {
        HttpHeaders headers = response.headers();
        stripHopByHop(headers);
        // Only the proxy says a response is its own error: a backend's claim would mislead the
        // clients, dashboards and logs that tell proxy errors from backend errors by this field.
        headers.remove(X_TERMINUS_ERROR);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (bodyExpected && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            // Covers both a chunked backend response and one delimited by the backend closing.
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, CHUNKED);
        }
    }

    /**
     * Same as {@link HttpUtil#isTransferEncodingChunked}, without its value iterator (an allocation)
     * for the common message that has no Transfer-Encoding at all.
     */
    static boolean isChunked(HttpMessage message) {
        return message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                && HttpUtil.isTransferEncodingChunked(message);
    }

    /**
     * Returns whether a message head declares a body: chunked, or a Content-Length other than 0.
     * A Content-Length that is not a number (the codecs refuse one before this is asked) counts
     * as a body: its framing cannot be trusted to be empty.
     */
    static boolean declaresBody(HttpMessage message) {
        if (isChunked(message)) {
            return true;
        }
        try {
            return HttpUtil.getContentLength(message, 0L) != 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Same as {@link HttpUtil#isKeepAlive}, without its value iterator when there is no Connection field. */
    static boolean isKeepAlive(HttpMessage message) {
        return message.headers().contains(HttpHeaderNames.CONNECTION)
                ? HttpUtil.isKeepAlive(message)
                : message.protocolVersion().isKeepAliveDefault();
    }

    /** Tells whether a response to a request with this method and status can carry a body. */
    static boolean bodyExpected(boolean headRequest, HttpResponseStatus status) {
        int code = status.code();
        return !headRequest && code >= 200 && code != 204 && code != 304;
    }

    /** Removes hop-by-hop fields, including every field the Connection header names. */
    static void stripHopByHop(HttpHeaders headers) {
        // Most messages have no Connection field, or one that only says keep-alive or close:
        // look before listing (getAll allocates) and before splitting.
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
                if (HttpHeaderValues.KEEP_ALIVE.contentEqualsIgnoreCase(connection)) {
                    // Names the Keep-Alive field, which the loop below removes anyway.
                    continue;
                }
                for (String token : connection.split(",")) {
                    String name = token.trim();
                    // A client must not be able to strip the fields that frame and address the
                    // message: losing Content-Length would let a body run into the next request on
                    // the reused backend connection (request smuggling).
                    if (!name.isEmpty() && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
                            && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)) {
                        headers.remove(name);
                    }
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
    }

    /** Formats the client's address as X-Forwarded-For carries it: bare IP, no brackets or port. */
    static String clientAddress(InetSocketAddress client) {
        if (client == null) {
            return "unknown";
        }
        if (client.getAddress() == null) {
            return client.getHostString();
        }
        return NetUtil.toAddressString(client.getAddress());
    }
}
