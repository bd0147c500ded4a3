package dev.terminus.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Relays one request to a backend over HTTP/1.1 and its response back, streaming both bodies:
 * a side that cannot write stops the other side from reading. Confined to the downstream event
 * loop, which the backend connection shares.
 */
final class ForwardExchange implements Upstream.Listener {

    private static final Logger log = LoggerFactory.getLogger(ForwardExchange.class);

    private final RequestHandler owner;
    private final ChannelHandlerContext ctx;
    private final UpstreamPool pool;
    /** Null for a plain forward; else where another target comes from when a connect fails. */
    private final UpstreamGroup group;
    private final HttpLimits limits;
    private final boolean headRequest;
    private final boolean http10;
    private final ChannelFutureListener writeListener = this::upstreamWritten;

    private UpstreamTarget target;
    private long startNanos;
    /** The status the client got, for the target's metrics; 0 while there is none. */
    private int status;
    private boolean accounted;
    private boolean retried;
    private Upstream upstream;
    /** Request objects that arrived while the backend connection was still opening. */
    private List<HttpObject> pending;
    private ScheduledFuture<?> responseTimer;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean swallowInterimEnd;
    private boolean upstreamKeepAlive;
    private boolean downstreamKeepAlive;
    private boolean done;

    ForwardExchange(RequestHandler owner, ChannelHandlerContext ctx, UpstreamPool pool,
                    UpstreamTarget target, UpstreamGroup group, HttpLimits limits, HttpRequest request,
                    boolean downstreamKeepAlive) {
        this.owner = owner;
        this.ctx = ctx;
        this.pool = pool;
        this.target = target;
        this.group = group;
        this.limits = limits;
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
        this.downstreamKeepAlive = downstreamKeepAlive;
    }

    /** Sends the (already rewritten) request head, reusing an idle backend connection if any. */
    void start(HttpRequest upstreamHead) {
        begin();
        upstream = pool.acquire(target, this);
        if (upstream != null) {
            owner.accessLog().connected();
            write(upstreamHead);
            return;
        }
        pending = new ArrayList<>(4);
        pending.add(upstreamHead);
        // Nothing can be forwarded until the connection is up; hold the client's body meanwhile.
        owner.setUpstreamBlocked(true);
        owner.accessLog().connecting();
        pool.connect(target, this).addListener(this::connected);
    }

    private void begin() {
        accounted = false;
        startNanos = System.nanoTime();
        target.requestStarted();
        owner.accessLog().forwarding(target);
    }

    /** Forwards one piece of the request body; takes ownership of {@code content}. */
    void requestContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        HttpContent part = content;
        if (content instanceof HttpMessage) {
            // A FullHttpRequest's head was already sent: forward only its body and trailers.
            part = new DefaultLastHttpContent(content.content(), ((LastHttpContent) content).trailingHeaders());
        }
        if (pending != null) {
            pending.add(part);
        } else {
            write(part);
        }
    }

    /** Lets the backend connection read again once the client can take more response bytes. */
    void downstreamWritabilityChanged(boolean writable) {
        if (upstream != null && upstream.channel() != null) {
            upstream.channel().config().setAutoRead(writable);
        }
    }

    /** Tells whether the response head was already relayed to the client. */
    boolean responseStarted() {
        return responseStarted;
    }

    /** Gives up (the client went away, or its body grew too large); the backend connection cannot be reused. */
    void abort() {
        if (!done) {
            // The client left before a complete response: no status to count.
            status = 0;
        }
        finish();
        closeUpstream();
    }

    private void connected(Future<? super Void> future) {
        ChannelFuture f = (ChannelFuture) future;
        if (done) {
            // The client left while connecting: the fresh connection has no exchange to serve.
            f.channel().close();
            return;
        }
        if (!f.isSuccess()) {
            ProxyError error = ProxyError.ofConnectFailure(f.cause());
            if (!retryElsewhere(error, f.cause())) {
                fail(error, f.cause());
            }
            return;
        }
        attached(f.channel().pipeline().get(Upstream.class));
    }

    /** Sends what was held while connecting over {@code connection}. */
    private void attached(Upstream connection) {
        upstream = connection;
        owner.accessLog().connected();
        List<HttpObject> queued = pending;
        pending = null;
        for (HttpObject msg : queued) {
            write(msg);
        }
        if (!done) {
            owner.setUpstreamBlocked(!upstream.channel().isWritable());
        }
    }

    /**
     * Moves the request to another target of the group after a failed connect, once. Nothing was
     * sent to the failed target, so this is safe for every method (unlike a retry after a reset).
     */
    private boolean retryElsewhere(ProxyError error, Throwable cause) {
        if (group == null || retried) {
            return false;
        }
        UpstreamTarget next = group.pick(target);
        if (next == null || next.equals(target)) {
            return false;
        }
        retried = true;
        log.debug("connect to {} failed ({}), trying {}", target, cause == null ? error.code() : cause.toString(), next);
        status = error.status().code();
        account();
        target = next;
        status = 0;
        begin();
        Upstream idle = pool.acquire(next, this);
        if (idle != null) {
            attached(idle);
        } else {
            owner.accessLog().connecting();
            pool.connect(next, this).addListener(this::connected);
        }
        return true;
    }

    private void write(HttpObject msg) {
        if (done) {
            // A write failed synchronously and ended the exchange while draining the queue.
            ReferenceCountUtil.release(msg);
            return;
        }
        Channel ch = upstream.channel();
        ch.writeAndFlush(msg).addListener(writeListener);
        if (done) {
            return;
        }
        if (msg instanceof LastHttpContent) {
            requestSent = true;
            // A backend may answer before reading the whole body (echo, early errors): then the
            // response is already under way and there is nothing left to time.
            if (!responseStarted) {
                armResponseTimer();
            }
        }
        if (!ch.isWritable()) {
            owner.setUpstreamBlocked(true);
        }
    }

    private void armResponseTimer() {
        // The backend has the whole request now; from here on, silence means it is stuck.
        cancelTimer();
        responseTimer = ctx.executor().schedule(this::responseTimedOut,
                limits.responseTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    private void upstreamWritten(ChannelFuture future) {
        if (!future.isSuccess()) {
            fail(ProxyError.UPSTREAM_RESET, future.cause());
        }
    }

    private void responseTimedOut() {
        fail(ProxyError.RESPONSE_TIMEOUT, null);
    }

    @Override
    public void onUpstreamRead(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            fail(ProxyError.MALFORMED_RESPONSE, msg.decoderResult().cause());
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (!responseHead(response)) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            responseContent(content);
        }
    }

    /** Relays a response head; returns false if the message was consumed here. */
    private boolean responseHead(HttpResponse response) {
        cancelTimer();
        owner.accessLog().responseHead();
        int code = response.status().code();
        if (code == 101) {
            // Upgrade is stripped from every request, so a switch was never asked for.
            fail(ProxyError.MALFORMED_RESPONSE, null);
            return false;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // HttpClientCodec follows a 1xx head with an empty LastHttpContent; the next hop
            // needs one FullHttpResponse instead. RFC 9110 15.2: never send 1xx to HTTP/1.0.
            swallowInterimEnd = true;
            if (!http10) {
                ForwardingHeaders.stripHopByHop(response.headers());
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                        Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE));
            }
            if (requestSent) {
                armResponseTimer();
            }
            return response instanceof HttpContent;
        }
        upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        status = code;
        ForwardingHeaders.toDownstream(response, ForwardingHeaders.bodyExpected(headRequest, response.status()));
        if (http10 && HttpUtil.isTransferEncodingChunked(response)) {
            // An HTTP/1.0 client cannot parse chunked framing: delimit the body by closing.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            downstreamKeepAlive = false;
        }
        owner.prepareHead(response, downstreamKeepAlive);
        responseStarted = true;
        if (!(response instanceof HttpContent)) {
            ctx.writeAndFlush(response);
        }
        return true;
    }

    private void responseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (swallowInterimEnd) {
            content.release();
            swallowInterimEnd = !last;
            return;
        }
        ChannelFuture written = ctx.writeAndFlush(content);
        if (!last) {
            if (!ctx.channel().isWritable()) {
                upstream.channel().config().setAutoRead(false);
            }
            return;
        }
        finish();
        Upstream used = upstream;
        upstream = null;
        if (upstreamKeepAlive && requestSent && used.isActive()) {
            pool.release(used);
        } else {
            used.close();
        }
        owner.responseComplete(downstreamKeepAlive, written);
    }

    @Override
    public void onUpstreamWritabilityChanged(boolean writable) {
        if (!done) {
            owner.setUpstreamBlocked(!writable);
        }
    }

    @Override
    public void onUpstreamClosed(Throwable cause) {
        upstream = null;
        fail(ProxyError.UPSTREAM_RESET, cause);
    }

    /** Ends the exchange with a proxy error, or cuts the response if its head already left. */
    private void fail(ProxyError error, Throwable cause) {
        if (done) {
            return;
        }
        // A response cut after its head is not a complete answer: no status to count.
        status = responseStarted ? 0 : error.status().code();
        owner.accessLog().failed(error.code());
        finish();
        closeUpstream();
        if (cause != null) {
            log.debug("forward to {} failed ({}): {}", target, error.code(), cause.toString());
        } else {
            log.debug("forward to {} failed ({})", target, error.code());
        }
        if (responseStarted) {
            owner.abortResponse();
        } else {
            owner.sendError(error);
        }
    }

    private void finish() {
        done = true;
        account();
        cancelTimer();
        if (pending != null) {
            pending.forEach(ReferenceCountUtil::release);
            pending = null;
        }
    }

    /** Reports the end of the request to its target, once per target. */
    private void account() {
        if (!accounted) {
            accounted = true;
            target.requestFinished(status, System.nanoTime() - startNanos);
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    private void cancelTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }
}
