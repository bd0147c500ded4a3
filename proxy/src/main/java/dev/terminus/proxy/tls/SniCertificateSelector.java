package dev.terminus.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.Future;

import java.util.List;
import java.util.function.Supplier;

/**
 * Reads the ClientHello, picks the certificates by SNI from the listener's current snapshot and
 * replaces itself with a TLS handler that offers them. One per connection; runs on its event
 * loop and never blocks: the lookup is an in-memory index probe, completed immediately.
 *
 * <p>Strict SNI is enforced here, before BoringSSL sees the hello, because BoringSSL answers a
 * connection with no usable certificate with {@code internal_error} (80); RFC 6066 section 3
 * asks for {@code unrecognized_name} (112), which this handler sends itself.
 */
public final class SniCertificateSelector extends AbstractSniHandler<CertificateIndex.Selection> {
    /** A fatal unrecognized_name alert record (RFC 8446 section 6: type 21, level 2, code 112). */
    private static final byte[] UNRECOGNIZED_NAME_ALERT = {21, 3, 3, 0, 2, 2, 112};
    private static final int MAX_RETRIES = 3;

    private final Supplier<ListenerTls> current;
    private final TlsMetrics metrics;
    private final long handshakeTimeoutMillis;
    private final long acceptedNanos;
    private ListenerTls tls;
    private boolean refused;

    /**
     * @param current                the listener's TLS state in the current snapshot
     * @param maxClientHelloBytes    a longer ClientHello is refused and counted
     * @param handshakeTimeoutMillis from accept to a finished handshake, ClientHello included
     */
    public SniCertificateSelector(Supplier<ListenerTls> current, TlsMetrics metrics, int maxClientHelloBytes,
                                  long handshakeTimeoutMillis) {
        super(maxClientHelloBytes, handshakeTimeoutMillis);
        this.current = current;
        this.metrics = metrics;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.acceptedNanos = System.nanoTime();
    }

    @Override
    protected Future<CertificateIndex.Selection> lookup(ChannelHandlerContext ctx, String hostname) {
        tls = current.get();
        return ctx.executor().newSucceededFuture(tls.index().select(hostname));
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname,
                                    Future<CertificateIndex.Selection> future) throws Exception {
        CertificateIndex.Selection selection = future.getNow();
        String serverName = hostname == null ? null : HostNames.normalize(hostname);
        ctx.channel().attr(HandshakeObserver.SELECTION).set(new HandshakeObserver.Selected(
                tls.listenerName(), serverName, selection.outcome(), acceptedNanos));
        if (selection.outcome() == SniOutcome.REFUSED) {
            refused = true;
            metrics.refused(TlsMetrics.Refusal.UNRECOGNIZED_NAME);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME_ALERT)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        long remaining = handshakeTimeoutMillis - (System.nanoTime() - acceptedNanos) / 1_000_000;
        SslHandler handler = null;
        for (int attempt = 0; handler == null; attempt++) {
            try {
                handler = tls.newHandler(ctx.alloc(), selection, remaining);
            } catch (IllegalReferenceCountException e) {
                // A reload retired the snapshot between lookup and here: take the new one.
                if (attempt == MAX_RETRIES) {
                    throw e;
                }
                tls = current.get();
                selection = tls.index().select(hostname);
            }
        }
        ctx.pipeline().replace(this, "tls", handler);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            // The alert is on its way and the channel is closing: drop what else the client sent.
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof TooLongFrameException || root instanceof NotSslRecordException) {
            // Already reported as a failed handshake (and counted by the observer) before the close.
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
