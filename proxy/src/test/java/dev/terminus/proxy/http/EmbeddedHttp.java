package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives the downstream pipeline on an {@link EmbeddedChannel} with raw HTTP/1.x bytes. */
final class EmbeddedHttp {

    static final ConnectionInfo TLS_CLIENT = new ConnectionInfo(
            new InetSocketAddress("192.0.2.7", 50_000), 443, "https", "example.test", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256");

    /** A connector that fails the test if the proxy opens a backend connection. */
    static final UpstreamPool.Connector NO_BACKEND = (d, t, i, l) -> {
        throw new AssertionError("no backend connection expected");
    };

    private EmbeddedHttp() {
    }

    /** A connector that opens each backend connection as a new embedded channel and adds it to {@code backends}. */
    static UpstreamPool.Connector backendsInto(List<EmbeddedChannel> backends) {
        return (downstream, target, initializer, limits) -> {
            EmbeddedChannel backend = new EmbeddedChannel();
            backend.pipeline().addLast(initializer);
            backends.add(backend);
            return backend.newSucceededFuture();
        };
    }

    /** Like {@link #backendsInto(List)}, and asserts that every connection goes to {@code expectedTarget}. */
    static UpstreamPool.Connector backendsInto(List<EmbeddedChannel> backends, RouteAction.Forward expectedTarget) {
        UpstreamPool.Connector connector = backendsInto(backends);
        return (downstream, target, initializer, limits) -> {
            assertThat(target).isEqualTo(expectedTarget);
            return connector.connect(downstream, target, initializer, limits);
        };
    }

    /** Returns an embedded HTTP/1.1 connection configured like a real one, with the given routes. */
    static EmbeddedChannel http1(Routes routes, HttpLimits limits, UpstreamPool.Connector connector) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpPipelines.configure(channel.pipeline(), null, TLS_CLIENT, routes, limits, connector);
        return channel;
    }

    static EmbeddedChannel http1(Routes routes) {
        return http1(routes, HttpLimits.defaults(), NO_BACKEND);
    }

    /** Writes raw bytes as if they came from the peer. */
    static void send(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** Drains and releases everything the channel wrote, as one string. */
    static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        for (Object msg; (msg = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                out.append(buf.toString(StandardCharsets.ISO_8859_1));
            } finally {
                buf.release();
            }
        }
        return out.toString();
    }
}
