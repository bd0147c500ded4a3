package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** Builds the complete responses the proxy answers itself. */
final class Responses {

    private Responses() {
    }

    /** Builds a {@code fixed-response} action's answer; a HEAD answer keeps the length, not the body. */
    static FullHttpResponse fixed(ByteBufAllocator alloc, RouteAction.FixedResponse action, boolean head) {
        return build(alloc, HttpResponseStatus.valueOf(action.status()), action.contentType(), action.body(), head);
    }

    /**
     * Builds a {@code redirect} action's answer for a request, or returns {@code null} when the
     * request has no host to fill {@code #{host}} with.
     */
    static FullHttpResponse redirect(RouteAction.Redirect action, HttpRequest request, ConnectionInfo info) {
        String host = RuleTable.host(request);
        if (host == null) {
            return null;
        }
        String uri = request.uri();
        int start = RuleTable.pathStart(uri);
        int end = RuleTable.pathEnd(uri, start);
        String path = start == end ? "/" : uri.substring(start, end);
        String query = "";
        if (end < uri.length() && uri.charAt(end) == '?') {
            int fragment = uri.indexOf('#', end);
            query = uri.substring(end + 1, fragment < 0 ? uri.length() : fragment);
        }
        String location = action.location(info.scheme(), host, info.localPort(), path, query);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(action.status()), Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LOCATION, location).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** Builds a proxy error response naming its cause in the body and in {@code X-Terminus-Error}. */
    static FullHttpResponse error(ByteBufAllocator alloc, ProxyError error, boolean head) {
        FullHttpResponse response = build(alloc, error.status(), "text/plain; charset=utf-8", error.body(), head);
        response.headers().set(ForwardingHeaders.X_TERMINUS_ERROR, error.code());
        return response;
    }

    private static FullHttpResponse build(ByteBufAllocator alloc, HttpResponseStatus status,
                                          String contentType, String body, boolean head) {
        // RFC 9110 15.3.5 and 15.4.5: 204 and 304 never carry content, whatever the action says.
        boolean noContent = !ForwardingHeaders.bodyExpected(false, status);
        int length = noContent ? 0 : ByteBufUtil.utf8Bytes(body);
        ByteBuf content;
        if (head || length == 0) {
            content = Unpooled.EMPTY_BUFFER;
        } else {
            content = alloc.buffer(length);
            ByteBufUtil.writeUtf8(content, body);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (noContent) {
            return response;
        }
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                // RFC 9110 8.6: a HEAD response may carry the length the GET body would have.
                .setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        return response;
    }
}
