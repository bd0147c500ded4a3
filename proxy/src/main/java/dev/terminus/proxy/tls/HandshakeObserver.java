package dev.terminus.proxy.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLSession;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Watches one connection's handshake: counts its result with protocol, suite and SNI outcome,
 * then hands the connection to the application protocol and removes itself. Runs on the
 * connection's event loop.
 */
public final class HandshakeObserver extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeObserver.class);

    /** What the certificate selector decided, for the metrics and the connection's description. */
    record Selected(String listener, String serverName, SniOutcome outcome, long acceptedNanos) {
    }

    static final AttributeKey<Selected> SELECTION = AttributeKey.valueOf("terminus.sni.selection");

    private final String listener;
    private final TlsMetrics metrics;
    private final HandshakeCallback callback;
    private final long acceptedNanos = System.nanoTime();
    private boolean done;

    public HandshakeObserver(String listener, TlsMetrics metrics, HandshakeCallback callback) {
        this.listener = listener;
        this.metrics = metrics;
        this.callback = callback;
    }

    /**
     * Returns when the connection was accepted ({@link System#nanoTime()}), as its certificate
     * selector recorded it, or {@code -1} before its ClientHello was read.
     */
    public static long acceptedNanos(Channel channel) {
        Selected s = channel.attr(SELECTION).get();
        return s == null ? -1 : s.acceptedNanos();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SniCompletionEvent sni && sni.cause() instanceof SslHandshakeTimeoutException) {
            finish(ctx, "timeout", null);
            metrics.refused(TlsMetrics.Refusal.HANDSHAKE_TIMEOUT);
        } else if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (hs.isSuccess()) {
                SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                finish(ctx, "success", ssl.engine().getSession());
                ctx.pipeline().remove(this);
                Selected s = ctx.channel().attr(SELECTION).get();
                callback.onHandshake(ctx, ssl, s == null ? null : s.serverName());
                return;
            }
            Throwable cause = hs.cause();
            String result = classify(cause);
            if (cause instanceof SslHandshakeTimeoutException) {
                metrics.refused(TlsMetrics.Refusal.HANDSHAKE_TIMEOUT);
            } else if (cause instanceof NotSslRecordException) {
                metrics.refused(TlsMetrics.Refusal.NOT_TLS);
            } else if (cause instanceof TooLongFrameException) {
                metrics.refused(TlsMetrics.Refusal.CLIENT_HELLO_TOO_LARGE);
            }
            finish(ctx, result, null);
            log.debug("handshake failed on {} from {}: {}", listener, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Handshake failures arrive here too; they are counted by the completion event.
        log.debug("connection error on {} from {}: {}", listener, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Selected s = ctx.channel().attr(SELECTION).get();
        if (!done && s != null && s.outcome() != SniOutcome.REFUSED) {
            // The peer left after its ClientHello and before the handshake ended.
            finish(ctx, "closed", null);
        }
        super.channelInactive(ctx);
    }

    private void finish(ChannelHandlerContext ctx, String result, SSLSession session) {
        if (done) {
            return;
        }
        done = true;
        Selected s = ctx.channel().attr(SELECTION).get();
        SniOutcome outcome = s == null ? SniOutcome.DEFAULT : s.outcome();
        long started = s == null ? acceptedNanos : s.acceptedNanos();
        metrics.handshake(listener, result, session == null ? "none" : session.getProtocol(),
                session == null ? "none" : session.getCipherSuite(), outcome, System.nanoTime() - started);
    }

    /** Maps a handshake failure to a short, bounded metric label. */
    static String classify(Throwable cause) {
        if (cause instanceof SslHandshakeTimeoutException) {
            return "timeout";
        }
        if (cause instanceof NotSslRecordException) {
            return "not_tls";
        }
        if (cause instanceof TooLongFrameException) {
            return "client_hello_too_large";
        }
        if (cause instanceof ClosedChannelException) {
            return "closed";
        }
        String m = String.valueOf(cause.getMessage()).toUpperCase(Locale.ROOT);
        if (m.contains("VERSION")) {
            return "protocol_version";
        }
        if (m.contains("NO_SHARED_CIPHER") || m.contains("NO_CIPHER") || m.contains("NO_SHARED_GROUP")) {
            return "no_shared_cipher";
        }
        if (m.contains("CLOSED") || m.contains("RESET")) {
            return "closed";
        }
        return "failed";
    }
}
