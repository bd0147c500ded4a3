package dev.terminus.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Drives the downstream pipeline on an {@link EmbeddedChannel} with raw HTTP/1.x bytes. */
final class EmbeddedHttp {

    static final ConnectionInfo TLS_CLIENT = new ConnectionInfo(
            new InetSocketAddress("192.0.2.7", 50_000), 443, "https", "example.test", "TLSv1.3",
            "TLS_AES_128_GCM_SHA256");

    private EmbeddedHttp() {
    }

    /** Returns an embedded HTTP/1.1 connection configured like a real one, with the given routes. */
    static EmbeddedChannel http1(Routes routes, HttpLimits limits, UpstreamPool.Connector connector) {
        EmbeddedChannel channel = new EmbeddedChannel();
        HttpPipelines.configure(channel.pipeline(), null, TLS_CLIENT, routes, limits, connector);
        return channel;
    }

    static EmbeddedChannel http1(Routes routes) {
        return http1(routes, HttpLimits.defaults(), (d, t, i, l) -> {
            throw new AssertionError("no backend connection expected");
        });
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
