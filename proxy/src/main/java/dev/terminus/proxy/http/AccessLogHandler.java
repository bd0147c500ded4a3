package dev.terminus.proxy.http;

import dev.terminus.proxy.accesslog.AccessLog;
import dev.terminus.proxy.accesslog.AccessLogEntry;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;

/**
 * Watches the requests of one HTTP/1.1 connection or one HTTP/2 stream between the codec and
 * the {@link RequestHandler}, and hands the access log one entry per request once the last
 * byte of its response was written, or when the exchange ended without it. What only the
 * forwarder knows (target, connect and response times, the proxy's error) it reports through
 * the methods below. While the log is off, requests cost one volatile read here.
 *
 * <p>A line is written once both the response's last write completed and the request's body
 * was received (a fixed response or an error may answer before the body arrives), so that
 * {@code bytes_in} counts the whole body. Confined to the channel's event loop. Each request
 * gets its own {@link Request}: the next pipelined request may start before the previous
 * response's last write completes.
 */
final class AccessLogHandler extends ChannelDuplexHandler {
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    /** The {@code error} of an exchange the client left before its response was complete. */
    static final String CLIENT_CLOSED = "client-closed";
    private static final String HTTP_2 = "HTTP/2";
    private static final int SWITCHING_PROTOCOLS = 101;

    private final AccessLog log;
    private final AccessLogEntry.Connection connection;
    private final boolean http2;
    /** The request whose response is being written, until its last write. */
    private Request current;
    /** The request whose body is being received, until its last content. */
    private Request reading;

    AccessLogHandler(AccessLog log, AccessLogEntry.Connection connection, boolean http2) {
        this.log = log;
        this.connection = connection;
        this.http2 = http2;
    }

    /** Describes a downstream connection for its log lines. */
    static AccessLogEntry.Connection describe(ConnectionInfo info) {
        return new AccessLogEntry.Connection(info.listener(), info.client(), info.sni(), info.tlsProtocol(),
                info.cipher(), info.handshakeNanos());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            // The RequestHandler refuses a head while one is in flight; end the old line anyway.
            endAll();
            current = log.enabled() ? new Request(request) : null;
            reading = current;
        }
        Request r = reading;
        if (r != null && msg instanceof HttpContent content) {
            r.bytesIn += content.content().readableBytes();
            if (msg instanceof LastHttpContent) {
                reading = null;
                r.requestEnded();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Request r = current;
        if (r != null) {
            if (msg instanceof HttpResponse response) {
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                        && response.status().code() != SWITCHING_PROTOCOLS) {
                    // An interim 1xx answer: the request still waits for its final one. A 101
                    // is the last HTTP answer of its connection (a WebSocket tunnel follows).
                    ctx.write(msg, promise);
                    return;
                }
                r.status = response.status().code();
            }
            if (msg instanceof HttpContent content) {
                r.bytesOut += content.content().readableBytes();
            }
            if (msg instanceof LastHttpContent) {
                current = null;
                if (promise.isVoid()) {
                    // The writer waits for nothing; the line needs to know when (and whether) the
                    // write completed. A failure still reaches exceptionCaught, as with the void one.
                    promise = ctx.newPromise();
                    r.reportFailure = true;
                }
                promise.addListener(r);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        endAll();
        ctx.fireChannelInactive();
    }

    /** Ends what is in flight: a response not complete means the client left, unless the proxy cut it. */
    private void endAll() {
        Request r = current;
        current = null;
        if (r != null) {
            if (r.error == null) {
                r.error = CLIENT_CLOSED;
            }
            r.responseEnded(System.nanoTime());
        }
        Request q = reading;
        reading = null;
        if (q != null) {
            q.requestEnded();
        }
    }

    /** Records the target a request goes to; called again when a failed connect moves it. */
    void forwarding(UpstreamTarget target) {
        Request r = current;
        if (r != null) {
            r.target = target;
            r.connectStart = -1;
            r.forwarded = -1;
            r.connectNanos = -1;
        }
    }

    /** Records that a new backend connection is being opened for the request. */
    void connecting() {
        if (current != null) {
            current.connectStart = System.nanoTime();
        }
    }

    /** Records that the request goes to the backend now, over a new or a reused connection. */
    void connected() {
        Request r = current;
        if (r != null) {
            long now = System.nanoTime();
            r.forwarded = now;
            r.connectNanos = r.connectStart < 0 ? 0 : now - r.connectStart;
        }
    }

    /** Records the arrival of the backend's (first) response head. */
    void responseHead() {
        Request r = current;
        if (r != null && r.responseHead < 0 && r.forwarded >= 0) {
            r.responseHead = System.nanoTime();
        }
    }

    /** Records the request id the proxy settled on (generated, or the client's kept). */
    void requestId(CharSequence id) {
        if (current != null) {
            current.requestId = id;
        }
    }

    /** Records the proxy's error code for a response it answered or cut itself. */
    void failed(String code) {
        if (current != null) {
            current.error = code;
        }
    }

    /** One request's observations; completes its line when its last write is done. */
    private final class Request implements ChannelFutureListener {
        final long timeMillis = log.clock().millis();
        final long start = System.nanoTime();
        final String version;
        final String method;
        final String uri;
        final String host;
        /** The client's id until the request handler settles on the one it forwards. */
        CharSequence requestId;
        int status;
        long bytesIn;
        long bytesOut;
        UpstreamTarget target;
        long connectStart = -1;
        long connectNanos = -1;
        long forwarded = -1;
        long responseHead = -1;
        String error;
        long end = -1;
        boolean requestEnded;
        boolean emitted;
        /** The last write came with the void promise: a failure must still be reported. */
        boolean reportFailure;

        Request(HttpRequest request) {
            version = http2 ? HTTP_2 : request.protocolVersion().text();
            method = request.method().name();
            uri = request.uri();
            host = request.headers().get(HttpHeaderNames.HOST);
            requestId = request.headers().get(X_REQUEST_ID);
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            if (!future.isSuccess()) {
                if (error == null) {
                    error = CLIENT_CLOSED;
                }
                if (reportFailure) {
                    future.channel().pipeline().fireExceptionCaught(future.cause());
                }
            }
            responseEnded(System.nanoTime());
        }

        void responseEnded(long nanos) {
            if (end < 0) {
                end = nanos;
            }
            emitWhenDone();
        }

        void requestEnded() {
            requestEnded = true;
            emitWhenDone();
        }

        private void emitWhenDone() {
            if (emitted || end < 0 || !requestEnded) {
                return;
            }
            emitted = true;
            UpstreamTarget t = target;
            RouteAction.Forward address = t == null ? null : t.address();
            log.offer(new AccessLogEntry(timeMillis, connection, version, method, uri, host, status, bytesIn, bytesOut,
                    address == null ? null : address.host(), address == null ? 0 : address.port(),
                    t == null ? null : t.groupName(), t == null ? -1 : connectNanos,
                    responseHead < 0 ? -1 : responseHead - forwarded, end - start, error,
                    requestId == null ? null : requestId.toString()));
        }
    }
}
