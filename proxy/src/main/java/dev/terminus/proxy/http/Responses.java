package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;

/** Builds the complete responses the proxy answers itself. */
final class Responses {

    /** Every proxy error's answer, prepared once: their content never changes. */
    private static final Prebuilt[] ERRORS = new Prebuilt[ProxyError.values().length];

    static {
        for (ProxyError error : ProxyError.values()) {
            ERRORS[error.ordinal()] = new Prebuilt(error.status(), "text/plain; charset=utf-8", error.body(),
                    new AsciiString(error.code()));
        }
    }

    private Responses() {
    }

    /** Builds a {@code fixed-response} action's answer; a HEAD answer keeps the length, not the body. */
    static FullHttpResponse fixed(ByteBufAllocator alloc, RouteAction.FixedResponse action, boolean head) {
        return prebuild(action).response(alloc, head);
    }

    /** Prepares a {@code fixed-response} action's answer once, for every request it answers. */
    static Prebuilt prebuild(RouteAction.FixedResponse action) {
        return new Prebuilt(HttpResponseStatus.valueOf(action.status()), action.contentType(), action.body(), null);
    }

    /**
     * Holds a constant answer with its status, header values and body encoded once, where
     * building from scratch meant looking up the status, encoding the body as UTF-8 and
     * formatting the length per response. The body is copied into a pooled buffer per response:
     * the allocator recycles those, where wrapping the shared bytes allocated a heap buffer each
     * time (and the encoder copied it anyway). Immutable and thread-safe.
     */
    static final class Prebuilt {
        private final HttpResponseStatus status;
        private final AsciiString contentType;
        private final AsciiString contentLength;
        /** The X-Terminus-Error code, or null for a route's own answer. */
        private final AsciiString errorCode;
        private final byte[] body;
        /** RFC 9110 15.3.5 and 15.4.5: 204 and 304 never carry content, whatever the action says. */
        private final boolean noContent;

        Prebuilt(HttpResponseStatus status, String contentType, String body, AsciiString errorCode) {
            this.status = status;
            this.noContent = !ForwardingHeaders.bodyExpected(false, status);
            this.body = noContent ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            this.contentType = new AsciiString(contentType);
            this.contentLength = new AsciiString(Integer.toString(this.body.length));
            this.errorCode = errorCode;
        }

        /** Returns a new response; a HEAD answer keeps the length, not the body (RFC 9110 8.6). */
        FullHttpResponse response(ByteBufAllocator alloc, boolean head) {
            ByteBuf content = head || body.length == 0 ? Unpooled.EMPTY_BUFFER
                    : alloc.buffer(body.length).writeBytes(body);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            if (!noContent) {
                response.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                        .set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
            }
            if (errorCode != null) {
                response.headers().set(ForwardingHeaders.X_TERMINUS_ERROR, errorCode);
            }
            return response;
        }
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
        return ERRORS[error.ordinal()].response(alloc, head);
    }
}
