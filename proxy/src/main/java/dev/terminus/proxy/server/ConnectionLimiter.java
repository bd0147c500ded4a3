package dev.terminus.proxy.server;

import dev.terminus.proxy.tls.TlsMetrics;
import io.micrometer.core.instrument.Gauge;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Caps the connections open at once across all listeners. A connection over the cap is closed
 * at accept, before any TLS work, and counted. The cap is read at each accept, so a reload that
 * changes it applies to the next connection. Shared by every channel; lock-free.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private final IntSupplier max;
    private final TlsMetrics metrics;
    private final AtomicInteger active = new AtomicInteger();

    ConnectionLimiter(IntSupplier max, TlsMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
        Gauge.builder("terminus.connections.active", active, AtomicInteger::get)
                .description("Downstream connections open now").register(metrics.registry());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (active.incrementAndGet() > max.getAsInt()) {
            active.decrementAndGet();
            metrics.refused(TlsMetrics.Refusal.MAX_CONNECTIONS);
            // Leave no handler to see this connection: it never counted as active.
            ctx.pipeline().remove(this);
            ctx.channel().config().setAutoRead(false);
            ctx.channel().close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        active.decrementAndGet();
        super.channelInactive(ctx);
    }
}
