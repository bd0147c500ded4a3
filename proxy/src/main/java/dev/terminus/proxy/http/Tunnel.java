package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays raw bytes both ways between a client connection and a backend connection that both
 * left HTTP/1.1 after a {@code 101 Switching Protocols} (WebSocket, RFC 6455). Each side stops
 * reading while the other cannot take more; when one side closes, what it sent is flushed to the
 * other, which is then closed. Both connections share one event loop; confined to it.
 *
 * <p>No half-close: a TLS connection ends with close_notify, after which Netty's SslHandler
 * cannot send, and WebSocket ends with its own close handshake before either side closes, so a
 * full close once the peer's bytes are flushed loses nothing.
 */
final class Tunnel {
    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

    private Tunnel() {
    }

    /**
     * Turns both connections into a tunnel. Call right after the 101 was written downstream, on
     * the event loop, from within the backend connection's read of that 101. The downstream
     * connection must be an HTTP/1.1 one set up by {@link HttpPipelines}.
     */
    static void open(ChannelPipeline downstream, Upstream upstream) {
        Channel down = downstream.channel();
        Channel up = upstream.channel();
        upstream.tunnel();
        Relay toBackend = new Relay(up);
        Relay toClient = new Relay(down);
        // Requests are over on this connection; the codecs are replaced in place, so that bytes
        // they had already read but not decoded reach the relay instead of being lost.
        downstream.remove(RequestHandler.class);
        downstream.remove(FlowControlHandler.class);
        downstream.replace(HttpServerCodec.class, "tunnel", toBackend);
        ChannelPipeline back = up.pipeline();
        // Idleness is the client connection's to judge (its idle handler sees every byte relayed);
        // upstream.tunnel() above stopped the backend connection's own pool idle timer.
        back.replace("http", "tunnel", toClient);
        down.config().setAutoRead(up.isWritable());
        up.config().setAutoRead(down.isWritable());
        down.flush();
        up.flush();
        log.debug("tunnel open: {} <-> {}", down, up);
    }

    /** Reads one connection and writes what it read to the other. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        /** Where the bytes read here go. */
        private final Channel out;
        private boolean unflushed;

        Relay(Channel out) {
            this.out = out;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                // The end-of-message marker of the 101 the codec decoded just before it was removed.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (!out.isActive()) {
                buf.release();
                return;
            }
            out.write(buf, out.voidPromise());
            unflushed = true;
            if (!out.isWritable()) {
                out.flush();
                unflushed = false;
                // Backpressure: read no more until the other side drained (see channelWritabilityChanged).
                // Checked after the flush, which may have drained it and already signalled so.
                if (!out.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (unflushed) {
                unflushed = false;
                out.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            // What this side writes comes from the other side: it may read while this one can write.
            out.config().setAutoRead(ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslCloseCompletionEvent) {
                // close_notify: the peer sends nothing more; end like a TCP close.
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (out.isActive()) {
                out.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("closing tunnel {} after an error: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
