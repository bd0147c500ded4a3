package dev.terminus.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * Serves the HTTP/1.x request objects of one HTTP/1.1 connection or of one HTTP/2 stream: routes
 * each request, then answers it itself or forwards it. Requests are served one at a time:
 * reading goes on while a response is pending (turning it off and on costs two system calls per
 * request on epoll), and the rare pipelined request that arrives meanwhile is held here, with
 * reading paused, until the response before it is complete; the {@code FlowControlHandler} in
 * front holds whatever the codec decoded after it. Confined to the channel's event loop.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    private final ConnectionInfo info;
    /** The connection's X-Forwarded-* values, formatted once for all its requests. */
    private final ForwardedValues forwarded;
    /** {@link RequestIds#header()}, hashed once. */
    private final AsciiString idHeader;
    private final Routes routes;
    private final HttpLimits limits;
    private final UpstreamPool pool;
    private final boolean http2;
    private final AccessLogHandler accessLog;
    private final RequestIds requestIds;
    private final HttpState shared;

    private ChannelHandlerContext ctx;
    /** The HTTP/1.1 slowloris guard in front of the codec; null on an HTTP/2 stream. */
    private RequestHeaderTimer headerTimer;
    /** The current (or last) request's id; what an access log would print. */
    private CharSequence requestId;
    /** Request body bytes received so far, against {@link HttpLimits#maxBodySize()}. */
    private long bodyBytes;
    /** The proxy is shutting down: no keep-alive after the current response. */
    private boolean draining;
    private ForwardExchange exchange;
    /** The last fixed-response action served here, and its answer prepared once. */
    private RouteAction.FixedResponse fixedAction;
    private Responses.Prebuilt fixedAnswer;
    /** The current exchange's response timeout; one per connection (stream), re-armed per request. */
    private DeadlineTimer responseTimer;
    /** Between a request head and its last content. */
    private boolean inRequest;
    /** Between a request head and the last content of its response. */
    private boolean responding;
    private boolean upstreamBlocked;
    private boolean closing;
    /** A pipelined request's parts that came before the previous response was complete; or null. */
    private ArrayDeque<Object> held;
    private boolean replaying;
    private boolean keepAlive;
    private boolean headRequest;
    private boolean http10;
    private boolean expectContinue;
    /** Whether the client may still send bytes of the current request: a body, or undecodable input. */
    private boolean bodyExpected;

    RequestHandler(ConnectionInfo info, ForwardedValues forwarded, Routes routes, HttpLimits limits,
                   UpstreamPool pool, boolean http2, RequestIds requestIds, AsciiString idHeader, HttpState shared,
                   AccessLogHandler accessLog) {
        this.info = info;
        this.forwarded = forwarded;
        this.idHeader = idHeader;
        this.accessLog = accessLog;
        this.routes = routes;
        this.limits = limits;
        this.pool = pool;
        this.http2 = http2;
        this.requestIds = requestIds;
        this.shared = shared;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.responseTimer = new DeadlineTimer(ctx.executor(), this::responseTimedOut);
        this.headerTimer = ctx.pipeline().get(RequestHeaderTimer.class);
    }

    /** Returns the id of the request being served, or of the last one; null before the first. */
    String currentRequestId() {
        return requestId == null ? null : requestId.toString();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest) && !(msg instanceof HttpContent)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (closing) {
            // Answered for good (or refused): what else the client sends is dropped.
            ReferenceCountUtil.release(msg);
            return;
        }
        if ((held != null && !held.isEmpty()) || (responding && !inRequest)) {
            // A pipelined request (RFC 9112 9.3.2): it waits, in order, for the response before it.
            if (held == null) {
                held = new ArrayDeque<>(4);
            }
            held.add(msg);
            updateReading();
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (inRequest) {
                // The codec ends a request's body before the next head: a broken invariant.
                ReferenceCountUtil.release(msg);
                throw new IllegalStateException("request head while another request is in flight");
            }
            onRequest(request);
        }
        if (msg instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            bodyBytes += content.content().readableBytes();
            if (limits.bodyTooLarge(bodyBytes) && !closing) {
                content.release();
                bodyTooLarge();
                return;
            }
            if (exchange != null) {
                exchange.requestContent(content);
            } else {
                // Answered already (fixed response, error) or discarding after an early response.
                content.release();
            }
            if (last) {
                inRequest = false;
                if (headerTimer != null) {
                    headerTimer.requestEnded();
                }
                updateReading();
            }
        }
    }

    private void onRequest(HttpRequest request) {
        inRequest = true;
        responding = true;
        bodyBytes = 0;
        if (headerTimer != null) {
            headerTimer.headReceived();
        }
        headRequest = HttpMethod.HEAD.equals(request.method());
        http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        requestId = requestIds.resolve(request.headers(), idHeader);
        request.headers().set(idHeader, requestId);
        accessLog.requestId(requestId);
        // Bytes may follow a declared body, or a head the codec could not decode (it drops the rest).
        bodyExpected = request.decoderResult().isFailure() || ForwardingHeaders.declaresBody(request);
        if (request.decoderResult().isFailure()) {
            if (!ctx.channel().isActive()) {
                // The client left mid-header (the decoder reports it at close): nobody to answer.
                return;
            }
            // The decoder discards everything after a bad message: the connection is done.
            keepAlive = false;
            sendError(ProxyError.ofBadRequest(request.decoderResult().cause()));
            return;
        }
        keepAlive = http2 || ForwardingHeaders.isKeepAlive(request);
        expectContinue = HttpUtil.is100ContinueExpected(request);
        if (HttpMethod.CONNECT.equals(request.method())) {
            // A tunnel (RFC 9110 9.3.6) would turn the backend connection into raw bytes; an
            // edge load balancer does not offer one, as ALB does not.
            sendError(ProxyError.METHOD_NOT_SUPPORTED);
            return;
        }
        if (limits.declaredBodyTooLarge(request)) {
            // Refused before anything is forwarded; with Expect: 100-continue the client gets this
            // instead of 100 and never sends the body (RFC 9110 10.1.1). Its body, if it comes
            // anyway, is not worth reading: the connection closes (the stream, on HTTP/2).
            keepAlive = false;
            sendError(ProxyError.BODY_TOO_LARGE);
            return;
        }
        RouteAction action;
        try {
            action = routes.route(request);
        } catch (RuntimeException e) {
            log.warn("routes failed for {} {}", request.method(), request.uri(), e);
            sendError(ProxyError.ROUTE_FAILED);
            return;
        }
        if (action instanceof RouteAction.FixedResponse fixed) {
            if (fixed != fixedAction) {
                // Routes hand out the same action object for every request they match.
                fixedAction = fixed;
                fixedAnswer = Responses.prebuild(fixed);
            }
            respond(fixedAnswer.response(ctx.alloc(), headRequest));
        } else if (action instanceof RouteAction.Forward forward) {
            exchange = new ForwardExchange(this, ctx, pool, forward, null, limits, request, keepAlive);
            exchange.start(ForwardingHeaders.toUpstream(request, forwarded, http2));
        } else if (action instanceof RouteAction.Balanced balanced) {
            UpstreamTarget target = balanced.group().pick(null);
            if (target == null) {
                sendError(ProxyError.NO_HEALTHY_TARGET);
                return;
            }
            exchange = new ForwardExchange(this, ctx, pool, target, balanced.group(), limits, request, keepAlive);
            exchange.start(ForwardingHeaders.toUpstream(request, forwarded, http2));
        } else if (action instanceof RouteAction.Redirect redirect) {
            FullHttpResponse response = Responses.redirect(redirect, request, info);
            if (response == null) {
                sendError(ProxyError.BAD_REQUEST);
            } else {
                respond(response);
            }
        } else {
            throw new IllegalStateException("unknown route action: " + action);
        }
    }

    /** Returns the response timer that the current exchange arms and cancels. */
    DeadlineTimer responseTimer() {
        return responseTimer;
    }

    private void responseTimedOut() {
        if (exchange != null) {
            exchange.responseTimedOut();
        }
    }

    /** Returns what records the current request's access-log facts. */
    AccessLogHandler accessLog() {
        return accessLog;
    }

    /** Answers the current request with a proxy error. */
    void sendError(ProxyError error) {
        accessLog.failed(error.code());
        shared.proxyError(error);
        respond(Responses.error(ctx.alloc(), error, headRequest));
    }

    /**
     * Stops a body that grew past max-body-size while streaming. Before the backend's response head
     * the client gets 413; after it, the response is cut. Either way the backend connection and the
     * client connection (the stream, on HTTP/2) close: the rest of the body must not be read.
     */
    private void bodyTooLarge() {
        keepAlive = false;
        ForwardExchange forwarding = exchange;
        if (forwarding != null) {
            exchange = null;
            forwarding.abort();
            if (forwarding.responseStarted()) {
                shared.proxyError(ProxyError.BODY_TOO_LARGE);
                abortResponse();
                return;
            }
        }
        if (responding) {
            sendError(ProxyError.BODY_TOO_LARGE);
        } else {
            // Answered already (fixed response, early error): stop reading the rest.
            shared.proxyError(ProxyError.BODY_TOO_LARGE);
            closeAfterFlush();
        }
    }

    private void closeAfterFlush() {
        closing = true;
        updateReading();
        if (http2) {
            // Closing a stream that the client still sends on resets it (RST_STREAM, RFC 9113 8.1).
            ctx.channel().close();
        } else if (inRequest) {
            LingeringClose.after(ctx.writeAndFlush(Unpooled.EMPTY_BUFFER));
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void respond(FullHttpResponse response) {
        prepareHead(response, keepAlive);
        writeLast(keepAlive, response);
    }

    /** Sets the connection fields of a response head for this hop (none on HTTP/2, RFC 9113 8.2.2). */
    void prepareHead(HttpResponse response, boolean keepAliveWanted) {
        response.headers().set(idHeader, requestId);
        if (http2) {
            return;
        }
        if (draining || shared.draining()) {
            keepAliveWanted = false;
        }
        if (inRequest && expectContinue) {
            // RFC 9110 10.1.1: answered before the body came; the client may not send it at
            // all, so the connection cannot be reused to frame a next request.
            keepAliveWanted = false;
        }
        keepAlive = keepAliveWanted;
        HttpUtil.setKeepAlive(response, keepAliveWanted);
        if (keepAliveWanted && http10) {
            // We answer as HTTP/1.1, but an HTTP/1.0 client only keeps the connection when told
            // so explicitly (RFC 9112 9.3 and its Appendix C.2.2).
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /**
     * Writes and flushes the response's last part, then closes or resumes reading as agreed. A
     * connection that stays open writes it with the void promise: nobody waits for that write
     * (a failure reaches {@link #exceptionCaught}, which closes), so no promise is allocated and
     * no listener runs per response.
     */
    void writeLast(boolean keepAliveWanted, Object last) {
        // An HTTP/2 stream ends with its response, unless it was refused mid-body (then reset).
        // A drain that began after the head left still closes: the response is complete.
        boolean close = http2 ? !keepAlive : !(keepAliveWanted && keepAlive && !draining && !shared.draining());
        if (!close) {
            ctx.writeAndFlush(last, ctx.voidPromise());
            responseComplete(false, null);
            return;
        }
        responseComplete(true, ctx.writeAndFlush(last));
    }

    /** Records that the response's last part was written; closes after {@code lastWrite} if {@code close}. */
    private void responseComplete(boolean close, ChannelFuture lastWrite) {
        responding = false;
        exchange = null;
        upstreamBlocked = false;
        if (close) {
            closing = true;
            if (!http2 && inRequest && bodyExpected) {
                // The client may still be sending the body: do not reset it before it reads this.
                // (A request without a body is complete with its head: the codec's end marker
                // follows in the same read, and nothing more is coming to linger for.)
                LingeringClose.after(lastWrite);
            } else {
                lastWrite.addListener(ChannelFutureListener.CLOSE);
            }
        }
        updateReading();
    }

    /** Cuts a response whose head was already sent: the client must see it as incomplete. */
    void abortResponse() {
        responding = false;
        exchange = null;
        closing = true;
        // On HTTP/1.1 this closes the connection; on an HTTP/2 stream it sends RST_STREAM.
        ctx.channel().close();
    }

    /** Pauses reading the client while the backend cannot take more (or is not connected yet). */
    void setUpstreamBlocked(boolean blocked) {
        upstreamBlocked = blocked;
        updateReading();
    }

    private void updateReading() {
        if (headerTimer != null && !inRequest && !responding && !closing) {
            // Before reading resumes: a pipelined head held in the FlowControlHandler arrives now.
            headerTimer.awaitNext();
        }
        // Reading stops when the backend is blocked, and while a pipelined request is held.
        // A closing connection keeps reading (and dropping): it is about to close anyway, and a
        // lingering close turns reading on again itself.
        boolean read = closing || (!upstreamBlocked && (held == null || held.isEmpty()));
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
        replayHeld();
    }

    /** Serves held pipelined parts once the response before them is complete. */
    private void replayHeld() {
        if (replaying || held == null || held.isEmpty() || (responding && !inRequest)) {
            return;
        }
        replaying = true;
        try {
            while (!held.isEmpty() && !(responding && !inRequest)) {
                Object msg = held.poll();
                if (closing) {
                    ReferenceCountUtil.release(msg);
                } else {
                    channelRead(ctx, msg);
                }
            }
        } finally {
            replaying = false;
        }
        if (held.isEmpty()) {
            updateReading();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.downstreamWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt != HttpPipelines.DRAIN) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        draining = true;
        if (!responding && !closing) {
            // Idle keep-alive connection (or one that only sends a body already answered).
            closeAfterFlush();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        responseTimer.stop();
        releaseHeld();
    }

    private void releaseHeld() {
        if (held != null) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.abort();
            exchange = null;
        }
        responseTimer.stop();
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
