package dev.terminus.proxy.http;

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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Installs the downstream HTTP handlers on a connection once its protocol is known. */
public final class HttpPipelines {

    private HttpPipelines() {
    }

    /**
     * Adds the HTTP/1.1 or HTTP/2 server handlers to the end of {@code pipeline}. Call it on the
     * channel's event loop, after the TLS handshake (the {@code SslHandler} stays first) or right
     * away on a plain-text listener.
     *
     * @param applicationProtocol the ALPN result: {@code "h2"}, {@code "http/1.1"}, or
     *                            {@code null} for no ALPN (HTTP/1.1)
     * @throws IllegalArgumentException for any other protocol
     */
    public static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                                 Routes routes, HttpLimits limits) {
        configure(pipeline, applicationProtocol, info, routes, limits, UpstreamMetrics.NONE);
    }

    /** Same as above, counting retries and other backend events in {@code metrics}. */
    public static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                                 Routes routes, HttpLimits limits, UpstreamMetrics metrics) {
        configure(pipeline, applicationProtocol, info, routes, limits, UpstreamPool::bootstrapConnect, metrics);
    }

    /** Same as the public one, with the way backend connections are opened replaced (tests). */
    static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                          Routes routes, HttpLimits limits, UpstreamPool.Connector connector) {
        configure(pipeline, applicationProtocol, info, routes, limits, connector, UpstreamMetrics.NONE);
    }

    static void configure(ChannelPipeline pipeline, String applicationProtocol, ConnectionInfo info,
                          Routes routes, HttpLimits limits, UpstreamPool.Connector connector,
                          UpstreamMetrics metrics) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(limits, "limits");
        boolean h2 = ApplicationProtocolNames.HTTP_2.equals(applicationProtocol);
        if (!h2 && applicationProtocol != null && !ApplicationProtocolNames.HTTP_1_1.equals(applicationProtocol)) {
            throw new IllegalArgumentException("applicationProtocol: " + applicationProtocol
                    + " (expected: h2, http/1.1 or null)");
        }
        Channel channel = pipeline.channel();
        UpstreamPool pool = new UpstreamPool(channel, limits, connector, Objects.requireNonNull(metrics, "metrics"));
        channel.closeFuture().addListener(f -> pool.close());
        pipeline.addLast("idle", new IdleCloser(limits.idleTimeoutMillis()));
        if (h2) {
            Http2Settings settings = Http2Settings.defaultSettings().maxHeaderListSize(limits.maxHeaderSize());
            pipeline.addLast("h2", Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
            pipeline.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                    stream.pipeline().addLast("flow", new FlowControlHandler());
                    stream.pipeline().addLast("request", new RequestHandler(info, routes, limits, pool, true));
                }
            }));
        } else {
            pipeline.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(limits.maxInitialLineLength())
                    .setMaxHeaderSize(limits.maxHeaderSize())));
            pipeline.addLast("flow", new FlowControlHandler());
            pipeline.addLast("request", new RequestHandler(info, routes, limits, pool, false));
        }
    }

    /** Closes a connection that carried no bytes either way for the idle timeout (ALB-style). */
    private static final class IdleCloser extends IdleStateHandler {
        IdleCloser(int idleMillis) {
            super(0, 0, idleMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
            // On HTTP/2 the codec sends GOAWAY as it closes (RFC 9113 6.8).
            ctx.close();
        }
    }
}
