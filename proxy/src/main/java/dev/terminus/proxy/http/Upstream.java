package dev.terminus.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * Owns one HTTP/1.1 connection to a backend and hands its events to the exchange that uses it,
 * or, while it sits idle in a {@link UpstreamPool}, closes it on anything unexpected and once it
 * has been idle for the idle timeout. Runs on the downstream connection's event loop; no method
 * may be called from another thread.
 *
 * <p>Idleness only matters while the connection waits in the pool (a busy one is bounded by the
 * exchange's response timeout and the downstream idle timeout), so it is timed from the release
 * to the pool, by one {@link DeadlineTimer} per connection: nothing per request but one clock
 * read at the release, where Netty's {@code IdleStateHandler} would add a listener to every
 * write and read the clock at each completion.
 */
final class Upstream extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    /** Receives the events of an upstream connection while an exchange uses it. */
    interface Listener {
        /** Takes ownership of a decoded response object. */
        void onUpstreamRead(HttpObject msg);

        void onUpstreamWritabilityChanged(boolean writable);

        /** Reports the end of a read loop: what was relayed from it may be flushed now, at once. */
        default void onUpstreamReadComplete() {
        }

        /** Reports that the connection closed; {@code cause} is null for an orderly close. */
        void onUpstreamClosed(Throwable cause);
    }

    private final UpstreamPool pool;
    private final UpstreamTarget target;
    /** The TLS settings this connection was opened with, or null for plain HTTP. */
    private final UpstreamTls tls;
    private final long idleTimeoutMillis;
    private ChannelHandlerContext ctx;
    private Channel channel;
    /** Armed while the connection waits in the pool; made when the handler is added. */
    private DeadlineTimer idleTimer;
    private Listener listener;
    private Throwable failure;
    private boolean opened;
    private boolean tunneled;

    /** Creates the handler of a connection being opened; no exchange listens until {@link #attach}. */
    Upstream(UpstreamPool pool, UpstreamTarget target, UpstreamTls tls, long idleTimeoutMillis) {
        this.pool = pool;
        this.target = target;
        this.tls = tls;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    UpstreamTarget target() {
        return target;
    }

    UpstreamTls tls() {
        return tls;
    }

    /** Tells whether the connection left HTTP for a {@link Tunnel}; it is never reused then. */
    boolean tunneled() {
        return tunneled;
    }

    /**
     * Gives the connection to a {@link Tunnel}: no exchange listens any more, and it only counts
     * as an open connection of its target until it closes.
     */
    void tunnel() {
        listener = null;
        tunneled = true;
        stopIdleTimer();
    }

    Channel channel() {
        return channel;
    }

    boolean isActive() {
        return channel != null && channel.isActive();
    }

    /** Hands the connection to an exchange; it must have been idle. */
    void attach(Listener newListener) {
        listener = newListener;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
    }

    /** Takes the connection back from its exchange, ready to wait in the pool; its idle time starts. */
    void detach() {
        listener = null;
        channel.config().setAutoRead(true);
        if (idleTimer != null && !tunneled) {
            idleTimer.arm(idleTimeoutMillis);
        }
    }

    /** Runs when the connection has waited in the pool for the idle timeout. */
    private void idleTimedOut() {
        if (listener == null && channel.isOpen()) {
            log.debug("closing backend connection {}: idle in the pool", target);
            ctx.close();
        }
    }

    private void stopIdleTimer() {
        if (idleTimer != null) {
            idleTimer.stop();
        }
    }

    void close() {
        listener = null;
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        channel = ctx.channel();
        idleTimer = new DeadlineTimer(ctx.executor(), this::idleTimedOut);
    }

    /**
     * Counts the connection with its target once it is up; idempotent. Netty completes the
     * connect promise, whose listeners send the request, before it fires {@code channelActive}:
     * the pool therefore calls this from a listener that runs ahead of the exchange's, so that no
     * request is ever in flight on a connection its target does not count yet.
     */
    void opened(Channel ch) {
        if (!opened && ch.isActive()) {
            opened = true;
            target.connectionOpened(ch);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Counted already by the pool's connect listener when the connector is a Bootstrap;
        // this covers a connector that fires channelActive before completing its future.
        opened(ctx.channel());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (listener != null && msg instanceof HttpObject httpObject) {
            listener.onUpstreamRead(httpObject);
            return;
        }
        // Bytes on an idle connection answer no request: the connection can no longer be
        // trusted to frame the next response correctly (RFC 9112 9.3).
        ReferenceCountUtil.release(msg);
        log.debug("closing backend connection {}: unexpected data while idle", target);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onUpstreamReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onUpstreamWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopIdleTimer();
        Listener current = listener;
        listener = null;
        if (opened) {
            opened = false;
            target.connectionClosed(ctx.channel());
        }
        pool.remove(this);
        if (current != null) {
            current.onUpstreamClosed(failure);
        }
    }
}
