package dev.terminus.proxy.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;

/**
 * Closes a downstream connection that carried no bytes either way for the idle timeout
 * (ALB-style): idle time runs from the end of the last read or the last flush, and not during
 * a read. An HTTP/2 client is told why with GOAWAY first (RFC 9113 6.8).
 *
 * <p>One {@link DeadlineTimer} per connection, re-armed at each read burst's end and each flush,
 * instead of Netty's {@code IdleStateHandler}, which adds a listener to every write's promise (so
 * every write needs one) and reads the clock at each completion. Activity costs one clock read
 * per read burst and per flush here, and writes keep the void promise. Confined to the channel's
 * event loop.
 */
final class IdleCloser extends ChannelDuplexHandler {

    private final long timeoutMillis;
    private ChannelHandlerContext ctx;
    private DeadlineTimer timer;
    /** Between a read and its read-complete: the connection is not idle while reading. */
    private boolean reading;
    private boolean stopped;

    IdleCloser(long timeoutMillis) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("timeoutMillis: " + timeoutMillis + " (expected: > 0)");
        }
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
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
        if (!reading) {
            reading = true;
            if (timer != null) {
                timer.cancel();
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            reading = false;
            activity();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (!reading) {
            // During a read, the read's end starts the idle time.
            activity();
        }
        ctx.flush();
    }

    private void activity() {
        if (timer != null && !stopped) {
            timer.arm(timeoutMillis);
        }
    }

    private void start() {
        if (timer != null || stopped) {
            return;
        }
        timer = new DeadlineTimer(ctx.executor(), this::idle);
        timer.arm(timeoutMillis);
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.stop();
        }
    }

    /** Runs when the connection carried nothing for the idle timeout: closes it. */
    private void idle() {
        if (stopped || !ctx.channel().isOpen()) {
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
