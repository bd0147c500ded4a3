package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Bounds the time an HTTP/1.1 client takes to send a request's header block, against slowloris
 * clients that hold connections open by sending a few header bytes at a time. The clock follows
 * nginx's {@code client_header_timeout}: on a new connection it starts when the connection is
 * ready for HTTP (after the TLS handshake, or at accept on a plain listener); on a kept-alive
 * connection it starts with the first byte of the next request, the idle timeout governing the
 * wait before that. It stops when the header block is complete.
 *
 * <p>When the time runs out, a client that sent part of a request gets 408 with
 * {@code X-Terminus-Error: request-header-timeout} and the connection closes; a client that sent
 * nothing is closed without a response (there is no request to answer). Both are counted.
 *
 * <p>Sits in front of the HTTP codec to see raw bytes; {@link RequestHandler} tells it when a head
 * arrived and when its response ended. Confined to the channel's event loop.
 */
final class RequestHeaderTimer extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private final RequestIds requestIds;
    private final HttpState shared;

    private ChannelHandlerContext ctx;
    private DeadlineTimer timer;
    /** Between the end of a response (or the start) and the next complete request head. */
    private boolean waiting = true;
    /** Bytes of the awaited request arrived. */
    private boolean partial;
    /** The current request's body is complete; its response is pending. */
    private boolean requestDone;
    /** Bytes arrived after the current request ended: the next (pipelined) request began. */
    private boolean early;

    RequestHeaderTimer(long timeoutMillis, RequestIds requestIds, HttpState shared) {
        this.timeoutMillis = timeoutMillis;
        this.requestIds = requestIds;
        this.shared = shared;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timer = new DeadlineTimer(ctx.executor(), this::expired);
        if (ctx.channel().isActive()) {
            arm();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // A plain listener installs HTTP before the connection is active.
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf && buf.isReadable()) {
            if (waiting) {
                partial = true;
                arm();
            } else if (requestDone) {
                early = true;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Stops the clock: a complete request head was decoded. */
    void headReceived() {
        waiting = false;
        partial = false;
        early = false;
        requestDone = false;
        cancel();
    }

    /** Notes that the current request's body is complete: bytes from now on begin the next one. */
    void requestEnded() {
        requestDone = true;
    }

    /** Waits for the next request on a kept-alive connection; the clock starts with its first byte. */
    void awaitNext() {
        if (!waiting) {
            waiting = true;
            // Reading goes on while a response is pending: a request that began meanwhile is timed
            // from now (a complete one held by the request handler stops the clock right away).
            partial = early;
            early = false;
            requestDone = false;
            if (partial) {
                arm();
            }
        }
    }

    private void arm() {
        if (!timer.armed() && waiting) {
            timer.arm(timeoutMillis);
        }
    }

    private void cancel() {
        timer.cancel();
    }

    private void expired() {
        if (!waiting || !ctx.channel().isActive()) {
            return;
        }
        waiting = false;
        shared.headerTimeout(partial ? HttpState.HeaderTimeout.ANSWERED_408 : HttpState.HeaderTimeout.CLOSED);
        if (!partial) {
            ctx.channel().close();
            return;
        }
        shared.proxyError(ProxyError.REQUEST_HEADER_TIMEOUT);
        FullHttpResponse response = Responses.error(ctx.alloc(), ProxyError.REQUEST_HEADER_TIMEOUT, false);
        // No request head means no id to echo; a fresh one still lets the client quote this answer.
        response.headers().set(requestIds.header(), RequestIds.generate());
        HttpUtil.setKeepAlive(response, false);
        // From the tail, so that the response encoder frames it; nothing else is being written.
        // The client is mid-header, maybe still sending: linger so it can read the answer.
        LingeringClose.after(ctx.channel().writeAndFlush(response));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop();
    }
}
