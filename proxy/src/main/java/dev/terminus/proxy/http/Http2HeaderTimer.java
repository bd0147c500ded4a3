package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;

/**
 * Bounds the time an HTTP/2 client takes to send a header block, as {@link RequestHeaderTimer}
 * does for HTTP/1.1: against a client that holds a connection by sending a HEADERS frame a few
 * bytes at a time, or by following it with CONTINUATION frames slowly, each of which would
 * otherwise reset the idle timeout. The clock runs from the moment a frame header or a header
 * block is left incomplete at the end of a read until the block's END_HEADERS frame has arrived
 * whole; on a new connection it also runs until the client's connection preface has arrived.
 * Frames outside a header block (DATA above all: a slow upload is the body's business) stop it.
 *
 * <p>When the time runs out, a client that sent nothing is closed; one that sent part of a frame
 * or a header block gets GOAWAY with ENHANCE_YOUR_CALM and the connection closes at once, without
 * waiting for its other streams. Both are counted.
 *
 * <p>Sits in front of the HTTP/2 codec and reads frame boundaries from the raw bytes (RFC 9113 4.1:
 * a 9-byte header of length, type and flags), without consuming them. A read that holds whole
 * frames, as reads nearly always do, arms nothing. Confined to the channel's event loop.
 */
final class Http2HeaderTimer extends ChannelInboundHandlerAdapter {
    private static final int PREFACE_LENGTH = 24;
    private static final int FRAME_HEADER_LENGTH = 9;
    private static final int HEADERS = 0x1;
    private static final int PUSH_PROMISE = 0x5;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private final long timeoutMillis;
    private final HttpState shared;

    private ChannelHandlerContext ctx;
    private DeadlineTimer timer;
    private int prefaceLeft = PREFACE_LENGTH;
    /** The bytes of a frame header split across reads. */
    private final byte[] header = new byte[FRAME_HEADER_LENGTH];
    private int headerLength;
    private long payloadLeft;
    /** The current frame is HEADERS, PUSH_PROMISE or CONTINUATION with END_HEADERS set. */
    private boolean endsBlock;
    /** A header block began and its END_HEADERS frame has not arrived whole. */
    private boolean blockOpen;

    Http2HeaderTimer(long timeoutMillis, HttpState shared) {
        this.timeoutMillis = timeoutMillis;
        this.shared = shared;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timer = new DeadlineTimer(ctx.executor(), this::expired);
        // HTTP/2 is chosen by ALPN, so the connection is active: the preface is awaited from now.
        timer.arm(timeoutMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            scan(buf, buf.readerIndex(), buf.writerIndex());
        }
        ctx.fireChannelRead(msg);
    }

    private void scan(ByteBuf buf, int at, int end) {
        while (at < end) {
            if (prefaceLeft > 0) {
                int n = Math.min(prefaceLeft, end - at);
                prefaceLeft -= n;
                at += n;
                if (prefaceLeft == 0) {
                    timer.cancel();
                }
            } else if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, end - at);
                payloadLeft -= n;
                at += n;
                if (payloadLeft == 0) {
                    frameEnded();
                }
            } else if (headerLength == 0 && end - at >= FRAME_HEADER_LENGTH) {
                frameBegins(buf.getUnsignedMedium(at), buf.getUnsignedByte(at + 3), buf.getUnsignedByte(at + 4));
                at += FRAME_HEADER_LENGTH;
            } else {
                int n = Math.min(FRAME_HEADER_LENGTH - headerLength, end - at);
                buf.getBytes(at, header, headerLength, n);
                headerLength += n;
                at += n;
                if (headerLength == FRAME_HEADER_LENGTH) {
                    headerLength = 0;
                    frameBegins((header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | header[2] & 0xFF,
                            header[3] & 0xFF, header[4] & 0xFF);
                }
            }
        }
        // What this read left incomplete: a frame header, or a header block.
        if ((headerLength > 0 || blockOpen) && !timer.armed()) {
            timer.arm(timeoutMillis);
        }
    }

    private void frameBegins(int length, int type, int flags) {
        boolean headerFrame = type == HEADERS || type == PUSH_PROMISE || type == CONTINUATION;
        blockOpen |= headerFrame;
        endsBlock = headerFrame && (flags & END_HEADERS) != 0;
        payloadLeft = length;
        if (length == 0) {
            frameEnded();
        } else if (!blockOpen) {
            timer.cancel();
        }
    }

    private void frameEnded() {
        if (endsBlock) {
            blockOpen = false;
            endsBlock = false;
        }
        if (!blockOpen) {
            timer.cancel();
        }
    }

    private void expired() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (prefaceLeft == PREFACE_LENGTH) {
            shared.headerTimeout(HttpState.HeaderTimeout.CLOSED);
            HttpPipelines.closeNow(ctx.channel());
            return;
        }
        shared.headerTimeout(HttpState.HeaderTimeout.GOAWAY);
        // From the tail, so that the codec frames it; then closed at once: a graceful close would
        // wait for the connection's other streams, and this client is not owed that.
        ctx.channel().writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM))
                .addListener(f -> HttpPipelines.closeNow(ctx.channel()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.stop();
    }
}
