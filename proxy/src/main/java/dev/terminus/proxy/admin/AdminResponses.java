package dev.terminus.proxy.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Builds and sends the admin port's responses. Every method that sends must be called on the
 * channel's event loop.
 */
final class AdminResponses {

    static final String TEXT_UTF8 = "text/plain; charset=utf-8";

    private AdminResponses() {
    }

    /** Builds a plain-text response. */
    static FullHttpResponse text(HttpResponseStatus status, String body) {
        return of(status, TEXT_UTF8, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** Builds an {@code application/json} response; JSON is UTF-8 by definition (RFC 8259 §8.1). */
    static FullHttpResponse json(HttpResponseStatus status, byte[] body) {
        return of(status, HttpHeaderValues.APPLICATION_JSON.toString(), Unpooled.wrappedBuffer(body));
    }

    /** Builds a 405 with the {@code Allow} header that RFC 9110 §15.5.6 requires. */
    static FullHttpResponse methodNotAllowed(HttpMethod allowed) {
        FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "method not allowed; use " + allowed + "\n");
        response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
        return response;
    }

    /** Builds a response around {@code content}, taking ownership of it. */
    static FullHttpResponse of(HttpResponseStatus status, String contentType, ByteBuf content) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        HttpUtil.setContentLength(response, content.readableBytes());
        return response;
    }

    /**
     * Writes {@code response} for a request of {@code version}, then closes the connection
     * unless it is kept alive.
     */
    static void send(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
                     FullHttpResponse response) {
        // HTTP/1.0 clients need an explicit "Connection: keep-alive"; HTTP/1.1 ones need "close".
        HttpUtil.setKeepAlive(response.headers(), version, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
