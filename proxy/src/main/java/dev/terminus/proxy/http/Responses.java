package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
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
