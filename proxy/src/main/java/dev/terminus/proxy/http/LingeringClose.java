package dev.terminus.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.1 connection whose client may still be sending (a refused body, a half-sent
 * header) without resetting it. Closing a socket with unread input makes the kernel send RST,
 * and a client that gets RST may lose the response it has not read yet: the 408 or 413 that
 * explains the close. So, as nginx's {@code lingering_close} does, the proxy shuts its sending
 * side after the response (FIN, or TLS close_notify), then reads and drops what the client still
 * sends until the client closes, or for at most {@link #LINGER_MILLIS}. Event-loop confined.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {

    /** Longest wait for the client to stop sending; nginx's lingering_timeout is 5 s. */
    static final long LINGER_MILLIS = 2_000;

    private LingeringClose() {
    }

    /** Closes the connection of {@code lastWrite} once that write is done, lingering on a socket. */
    static void after(ChannelFuture lastWrite) {
        Channel channel = lastWrite.channel();
        // Later, not in the listener: a write that completes at once runs listeners before the
        // caller's own reading bookkeeping, which would turn reading off again.
        lastWrite.addListener(f -> channel.eventLoop().execute(() -> start(channel)));
    }

    private static void start(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        SslHandler tls = pipeline.get(SslHandler.class);
        if (!channel.isActive() || pipeline.get(LingeringClose.class) != null) {
            return;
        }
        if (tls == null && !(channel instanceof DuplexChannel)) {
            // Not a socket (an embedded channel in tests): nothing can be reset.
            channel.close();
            return;
        }
        // In front of the HTTP codec, behind TLS: whatever comes now is dropped undecoded.
        String codec = pipeline.get("header-timeout") != null ? "header-timeout" : "http";
        pipeline.addBefore(codec, "linger", new LingeringClose());
        if (tls != null) {
            tls.closeOutbound();
        } else {
            ((DuplexChannel) channel).shutdownOutput();
        }
        channel.config().setAutoRead(true);
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The client is done sending (only seen where half-closure is allowed; else Netty closes).
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
