package dev.terminus.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.util.concurrent.TimeUnit;

/**
 * Closes a downstream connection that carried no bytes either way for the idle timeout
 * (ALB-style): idle time runs from the end of the last read or the last flush, and not during
 * a read. An HTTP/2 client is told why with GOAWAY first (RFC 9113 6.8).
 *
 * <p>One timer per connection, which checks a last-activity time when it fires and re-arms for
 * what is left, instead of Netty's {@code IdleStateHandler}, which adds a listener to every
 * write's promise (so every write needs one) and reads the clock at each completion. Activity
 * costs one clock read per read burst and per flush here, and writes keep the void promise.
 * Time comes from the event loop's {@link Ticker}, which tests can move. Confined to the
 * channel's event loop.
 */
final class IdleCloser extends ChannelDuplexHandler implements Runnable {

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private ScheduledFuture<?> timer;
    private long lastActivity;
    /** Between a read and its read-complete: the connection is not idle while reading. */
    private boolean reading;
    private boolean started;
    private boolean stopped;

    IdleCloser(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: > 0)");
        }
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start();
        }
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            reading = false;
            lastActivity = ticker.nanoTime();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastActivity = ticker.nanoTime();
        ctx.flush();
    }

    private void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        lastActivity = ticker.nanoTime();
        timer = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Checks the connection when the timer fires: closes it if idle, else waits for what is left. */
    @Override
    public void run() {
        timer = null;
        if (stopped || !ctx.channel().isOpen()) {
            return;
        }
        long left = reading ? timeoutNanos : timeoutNanos - (ticker.nanoTime() - lastActivity);
        if (left > 0) {
            timer = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
            return;
        }
        stopped = true;
        if (ctx.pipeline().get("h2") == null) {
            ctx.close();
            return;
        }
        // Tell an HTTP/2 client why (RFC 9113 6.8), then close from here, in front of the
        // codec: its own close() would wait for streams, and a stalled one may never end.
        ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))
                .addListener(f -> ctx.close());
    }
}
