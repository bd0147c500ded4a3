package dev.terminus.proxy.http;

import dev.terminus.proxy.accesslog.AccessLog;
import dev.terminus.proxy.accesslog.AccessLogEntry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.AsciiString;

import java.util.Objects;

/** Installs the downstream HTTP handlers on a connection once its protocol is known, and drains them. */
public final class HttpPipelines {

    /** The user event that tells an HTTP/1.1 {@link RequestHandler} the proxy is shutting down. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    /** For callers that give no state: never drained, its counters exported nowhere. */
    private static final HttpState UNSHARED = HttpState.unregistered();

    private HttpPipelines() {
    }

    /**
     * Adds the HTTP/1.1 or HTTP/2 server handlers to the end of {@code pipeline}, with default
     * request ids, counters exported nowhere, no drain and no access log. See the full overload.
     */
    public static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                                 Routes routes, HttpLimits limits) {
        configure(pipeline, applicationProtocol, info, routes, limits, RequestIds.defaults(), UNSHARED,
                AccessLog.off());
    }

    /**
     * Adds the HTTP/1.1 or HTTP/2 server handlers to the end of {@code pipeline}. Call it on the
     * channel's event loop, after the TLS handshake (the {@code SslHandler} stays first) or right
     * away on a plain-text listener.
     *
     * @param applicationProtocol the ALPN result: {@code "h2"}, {@code "http/1.1"}, or
     *                            {@code null} for no ALPN (HTTP/1.1)
     * @param limits              this connection's limits, for its whole life
     * @param requestIds          how this connection's requests are named
     * @param shared              the proxy's counters and drain state, shared by all connections
     * @param accessLog           where each request's line goes while the log is enabled
     * @throws IllegalArgumentException for any other protocol
     */
    public static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                                 Routes routes, HttpLimits limits, RequestIds requestIds, HttpState shared,
                                 AccessLog accessLog) {
        configure(pipeline, applicationProtocol, info, routes, limits, requestIds, shared, accessLog,
                UpstreamPool::bootstrapConnect);
    }

    /** Same as the public one, with the way backend connections are opened replaced (tests). */
    static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                          Routes routes, HttpLimits limits, UpstreamPool.Connector connector) {
        configure(pipeline, applicationProtocol, info, routes, limits, RequestIds.defaults(), UNSHARED,
                AccessLog.off(), connector);
    }

    /** Same as the public one, with the way backend connections are opened replaced (tests). */
    static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                          Routes routes, HttpLimits limits, RequestIds requestIds, HttpState shared,
                          AccessLog accessLog, UpstreamPool.Connector connector) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(requestIds, "requestIds");
        Objects.requireNonNull(shared, "shared");
        boolean h2 = ApplicationProtocolNames.HTTP_2.equals(applicationProtocol);
        if (!h2 && applicationProtocol != null && !ApplicationProtocolNames.HTTP_1_1.equals(applicationProtocol)) {
            throw new IllegalArgumentException("applicationProtocol: " + applicationProtocol
                    + " (expected: h2, http/1.1 or null)");
        }
        Channel channel = pipeline.channel();
        UpstreamPool pool = new UpstreamPool(channel, limits, connector, shared.upstream());
        channel.closeFuture().addListener(f -> pool.close());
        pipeline.addLast("idle", new IdleCloser(limits.idleTimeoutMillis()));
        AccessLogEntry.Connection logged = AccessLogHandler.describe(info);
        ForwardedValues forwarded = ForwardedValues.of(info);
        AsciiString idHeader = requestIds.headerName();
        if (h2) {
            pipeline.addLast("h2-header-timeout", new Http2HeaderTimer(limits.requestHeaderTimeoutMillis(), shared));
            Http2Settings settings = Http2Settings.defaultSettings().maxHeaderListSize(limits.maxHeaderSize());
            pipeline.addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings)
                    // close() sends GOAWAY and waits for the streams in flight; a drain's own
                    // deadline (shutdown-timeout) bounds that wait, not the codec's 30 s default.
                    .gracefulShutdownTimeoutMillis(-1)
                    .build());
            pipeline.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                    stream.pipeline().addLast("flow", new FlowControlHandler());
                    AccessLogHandler access = new AccessLogHandler(accessLog, logged, true);
                    stream.pipeline().addLast("access-log", access);
                    stream.pipeline().addLast("request",
                            new RequestHandler(info, forwarded, routes, limits, pool, true, requestIds, idHeader,
                                    shared, access));
                }
            }));
        } else {
            pipeline.addLast("header-timeout",
                    new RequestHeaderTimer(limits.requestHeaderTimeoutMillis(), requestIds, shared));
            pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(limits.maxInitialLineLength())
                    .setMaxHeaderSize(limits.maxHeaderSize())));
            pipeline.addLast("flow", new FlowControlHandler());
            AccessLogHandler access = new AccessLogHandler(accessLog, logged, false);
            pipeline.addLast("access-log", access);
            pipeline.addLast("request",
                    new RequestHandler(info, forwarded, routes, limits, pool, false, requestIds, idHeader, shared,
                            access));
        }
    }

    /**
     * Asks a downstream connection to finish because the proxy is shutting down: an HTTP/1.1
     * connection closes now if idle, else after its current response (sent with
     * {@code Connection: close}); an HTTP/2 connection gets GOAWAY with the last stream id it
     * accepted and closes once those streams end (RFC 9113 6.8); a connection still in its TLS
     * handshake closes now. Callable from any thread.
     */
    public static void drain(Channel channel) {
        channel.eventLoop().execute(() -> {
            ChannelPipeline pipeline = channel.pipeline();
            ChannelHandlerContext idle = pipeline.context(IdleCloser.class);
            if (idle == null || pipeline.get("h2") != null) {
                // No HTTP yet, or HTTP/2: the codec's close() is the graceful GOAWAY.
                channel.close();
            } else {
                idle.fireUserEventTriggered(DRAIN);
            }
        });
    }

    /** Closes a connection at once, skipping the graceful HTTP/2 close. Callable from any thread. */
    public static void closeNow(Channel channel) {
        channel.eventLoop().execute(() -> channel.unsafe().close(channel.unsafe().voidPromise()));
    }
}
