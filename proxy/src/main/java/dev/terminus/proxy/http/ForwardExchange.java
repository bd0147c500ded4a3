package dev.terminus.proxy.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Relays one request to a backend over HTTP/1.1 and its response back, streaming both bodies:
 * a side that cannot write stops the other side from reading. Confined to the downstream event
 * loop, which the backend connection shares.
 *
 * <p>A request is sent a second time in two cases only, once at most: when its first connection
 * could not be opened (nothing was sent), and when an idempotent request without a body went out
 * on a reused keep-alive connection that closed before any response byte came back (the backend
 * closed it while idle and the close crossed the request, RFC 9112 9.3.1). A WebSocket upgrade
 * answered with 101 turns both connections into a {@link Tunnel}.
 */
final class ForwardExchange implements Upstream.Listener {

    private static final Logger log = LoggerFactory.getLogger(ForwardExchange.class);
    /** RFC 9110 9.2.2: sending these twice has the effect of sending them once. */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final RequestHandler owner;
    private final ChannelHandlerContext ctx;
    private final UpstreamPool pool;
    /** Null for a plain forward; else where another target comes from when a connect fails. */
    private final UpstreamGroup group;
    private final HttpLimits limits;
    private final boolean headRequest;
    private final boolean http10;

    private UpstreamTarget target;
    private long startNanos;
    /** The status the client got, for the target's metrics; 0 while there is none. */
    private int status;
    private boolean accounted;
    private boolean retried;
    /** The request head as sent to the backend, kept to send it again after a stale connection. */
    private HttpRequest head;
    /** Idempotent, and no body byte or trailer so far: safe to send again. */
    private boolean replayable;
    /** The client's last request part arrived. */
    private boolean requestEnded;
    /** The current connection came from the pool (it may have been closed by the backend meanwhile). */
    private boolean reused;
    /** Some response bytes arrived on the current connection (an interim response counts). */
    private boolean responseSeen;
    /** The request asks for WebSocket; only then may a 101 be relayed. */
    private boolean upgradeRequested;
    private Upstream upstream;
    /** Request objects that arrived while the backend connection was still opening. */
    private List<HttpObject> pending;
    /** This exchange armed its owner's response timer (and has not cancelled it). */
    private boolean timerArmed;
    private boolean requestSent;
    private boolean responseStarted;
    private boolean swallowInterimEnd;
    /** The request has no body: its head may wait for the empty last part to be flushed with it. */
    private boolean bodiless;
    /** Response parts were written to the client since the last flush (see onUpstreamReadComplete). */
    private boolean responseUnflushed;
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
        head = upstreamHead;
        // ForwardingHeaders keeps Upgrade on the backend's request only for a WebSocket handshake.
        upgradeRequested = upstreamHead.headers().contains(HttpHeaderNames.UPGRADE);
        bodiless = !ForwardingHeaders.declaresBody(upstreamHead);
        replayable = IDEMPOTENT.contains(upstreamHead.method()) && bodiless;
        begin();
        upstream = pool.acquire(target, this);
        if (upstream != null) {
            owner.accessLog().connected();
            reused = true;
            write(upstreamHead);
            return;
        }
        List<HttpObject> queue = new ArrayList<>(4);
        queue.add(upstreamHead);
        connectFresh(queue);
    }

    /** Opens a new connection to {@code target}, holding {@code queue} (and the client) until it is up. */
    private void connectFresh(List<HttpObject> queue) {
        reused = false;
        pending = queue;
        // Nothing can be forwarded until the connection is up; hold the client's body meanwhile.
        owner.setUpstreamBlocked(true);
        owner.accessLog().connecting();
        Future<Upstream> connecting = pool.connect(target);
        connecting.addListener(f -> connected(connecting));
    }

    private void begin() {
        accounted = false;
        startNanos = target.timesRequests() ? System.nanoTime() : 0;
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
        boolean last = part instanceof LastHttpContent;
        if (part.content().isReadable() || last && !((LastHttpContent) part).trailingHeaders().isEmpty()) {
            // Whatever the head said, a body byte was sent; it is not kept, so it cannot be sent again.
            replayable = false;
        }
        requestEnded |= last;
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

    private void connected(Future<Upstream> f) {
        if (done) {
            // The client left while connecting: the fresh connection has no exchange to serve.
            if (f.isSuccess()) {
                f.getNow().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            ProxyError error = ProxyError.ofConnectFailure(f.cause());
            if (error == ProxyError.UPSTREAM_TLS_FAILED) {
                // A configuration problem (trust bundle, names) rather than a passing one: say why.
                log.warn("TLS to {} failed ({}): {}", target, target.tls(), describe(f.cause()));
            }
            if (!retryElsewhere(error, f.cause())) {
                fail(error, f.cause());
            }
            return;
        }
        Upstream connection = f.getNow();
        connection.attach(this);
        attached(connection);
    }

    /** Sends what was held while connecting over {@code connection}. */
    private void attached(Upstream connection) {
        upstream = connection;
        owner.accessLog().connected();
        responseSeen = false;
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
        pool.metrics().retried(error == ProxyError.UPSTREAM_TLS_FAILED
                ? UpstreamMetrics.Retry.TLS_FAILED : UpstreamMetrics.Retry.CONNECT_FAILED);
        log.debug("connect to {} failed ({}), trying {}", target, cause == null ? error.code() : cause.toString(), next);
        status = error.status().code();
        account();
        target = next;
        status = 0;
        begin();
        Upstream idle = pool.acquire(next, this);
        if (idle != null) {
            reused = true;
            attached(idle);
        } else {
            connectFresh(pending);
        }
        return true;
    }

    /**
     * Sends the request again on a new connection after a reused one closed before any response
     * byte, if the request may be sent twice (idempotent, no body) and was not retried yet. Goes to
     * another target of the group when there is one: the first may be restarting.
     */
    private boolean retryStale(Throwable cause) {
        if (!reused || retried || !replayable || responseSeen) {
            return false;
        }
        retried = true;
        pool.metrics().retried(UpstreamMetrics.Retry.STALE_CONNECTION);
        log.debug("reused connection to {} closed before answering ({}); sending the request again",
                target, cause == null ? "closed" : cause.toString());
        cancelTimer();
        closeUpstream();
        requestSent = false;
        // The first target did not fail the request; the proxy picked a dead connection to it.
        status = 0;
        account();
        UpstreamTarget next = group == null ? null : group.pick(target);
        if (next != null) {
            target = next;
        }
        begin();
        List<HttpObject> queue = new ArrayList<>(2);
        queue.add(head);
        if (requestEnded) {
            queue.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        connectFresh(queue);
        return true;
    }

    private void write(HttpObject msg) {
        if (done) {
            // A write failed synchronously and ended the exchange while draining the queue.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (upstream == null) {
            // The connection was lost and the request is being sent again on a new one.
            pending.add(msg);
            return;
        }
        Channel ch = upstream.channel();
        // The void promise: no promise and no listener per write. A failed write fires
        // exceptionCaught on the backend connection instead, whose Upstream closes it and reports
        // the failure to onUpstreamClosed, which retries or fails the request as a listener would.
        if (bodiless && msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
            // The decoder hands over the empty last part of a bodiless request right behind its
            // head; flushing both together sends the request in one write (and one TLS record).
            ch.write(msg, ch.voidPromise());
        } else {
            ch.writeAndFlush(msg, ch.voidPromise());
        }
        if (done || upstream == null || upstream.channel() != ch) {
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
        owner.responseTimer().arm(limits.responseTimeoutMillis());
        timerArmed = true;
    }

    /** Handles the loss of the backend connection: sends the request again if that is safe, else fails. */
    private void upstreamLost(Throwable cause) {
        if (done || retryStale(cause)) {
            return;
        }
        fail(ProxyError.UPSTREAM_RESET, cause);
    }

    /** Called by the owner when its response timer fires. */
    void responseTimedOut() {
        if (timerArmed) {
            timerArmed = false;
            fail(ProxyError.RESPONSE_TIMEOUT, null);
        }
    }

    @Override
    public void onUpstreamRead(HttpObject msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        responseSeen = true;
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
            if (upgradeRequested && requestSent
                    && response.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                switchProtocols(response);
            } else {
                // RFC 9110 15.2.2: a server switches only to a protocol the request asked for.
                fail(ProxyError.MALFORMED_RESPONSE, null);
            }
            return false;
        }
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            // HttpClientCodec follows a 1xx head with an empty LastHttpContent; the next hop
            // needs one FullHttpResponse instead. RFC 9110 15.2: never send 1xx to HTTP/1.0.
            swallowInterimEnd = true;
            if (!http10) {
                ForwardingHeaders.stripHopByHop(response.headers());
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                        Unpooled.EMPTY_BUFFER, response.headers(), EmptyHttpHeaders.INSTANCE), ctx.voidPromise());
            }
            if (requestSent) {
                armResponseTimer();
            }
            return response instanceof HttpContent;
        }
        upstreamKeepAlive = ForwardingHeaders.isKeepAlive(response);
        status = code;
        ForwardingHeaders.toDownstream(response, ForwardingHeaders.bodyExpected(headRequest, response.status()));
        if (http10 && ForwardingHeaders.isChunked(response)) {
            // An HTTP/1.0 client cannot parse chunked framing: delimit the body by closing.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            downstreamKeepAlive = false;
        }
        owner.prepareHead(response, downstreamKeepAlive);
        responseStarted = true;
        if (!(response instanceof HttpContent)) {
            // Flushed with the body parts that came in the same read (see onUpstreamReadComplete):
            // head and body of a small response leave in one write and one TLS record.
            ctx.write(response, ctx.voidPromise());
            responseUnflushed = true;
        }
        return true;
    }

    /**
     * Relays a backend's 101 to a WebSocket handshake, then hands both connections to a
     * {@link Tunnel}. The backend connection never returns to the pool.
     */
    private void switchProtocols(HttpResponse response) {
        HttpHeaders headers = response.headers();
        ForwardingHeaders.stripHopByHop(headers);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        status = HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        finish();
        Upstream used = upstream;
        upstream = null;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS,
                Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE));
        Tunnel.open(ctx.pipeline(), used);
    }

    private void responseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (swallowInterimEnd) {
            content.release();
            swallowInterimEnd = !last;
            return;
        }
        if (!last) {
            ctx.write(content, ctx.voidPromise());
            responseUnflushed = true;
            if (!ctx.channel().isWritable()) {
                // Unflushed bytes count too: flush now so that writability can come back. The
                // flush may drain the buffer at once (and report writable again), so look again
                // before pausing the backend, or nothing would ever resume it.
                flushResponse();
                if (!ctx.channel().isWritable() && upstream != null) {
                    upstream.channel().config().setAutoRead(false);
                }
            }
            return;
        }
        // Counted before the last write: once that leaves, the client may act on the whole
        // response (and look at the target's counters) before this thread runs again.
        finish();
        Upstream used = upstream;
        upstream = null;
        responseUnflushed = false;
        if (upstreamKeepAlive && requestSent && used.isActive()) {
            pool.release(used);
        } else {
            used.close();
        }
        owner.writeLast(downstreamKeepAlive, content);
    }

    @Override
    public void onUpstreamReadComplete() {
        flushResponse();
    }

    private void flushResponse() {
        if (responseUnflushed) {
            responseUnflushed = false;
            ctx.flush();
        }
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
        upstreamLost(cause);
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
            target.requestFinished(status, target.timesRequests() ? System.nanoTime() - startNanos : 0);
        }
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    /** Returns a failure's messages down its causes, for a log line. */
    private static String describe(Throwable cause) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = cause; t != null && b.length() < 1_000; t = t.getCause()) {
            b.append(b.length() == 0 ? "" : ": ").append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return b.toString();
    }

    private void cancelTimer() {
        if (timerArmed) {
            timerArmed = false;
            owner.responseTimer().cancel();
        }
    }
}
