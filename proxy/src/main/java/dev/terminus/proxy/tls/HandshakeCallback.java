package dev.terminus.proxy.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

/**
 * Receives a connection whose TLS handshake succeeded, to install what speaks the application
 * protocol. Called on the connection's event loop; must not block.
 */
@FunctionalInterface
public interface HandshakeCallback {
    /**
     * @param ctx        the context of the handshake observer, which removes itself afterwards
     * @param sslHandler the connection's TLS handler; {@code applicationProtocol()} is the ALPN result
     * @param serverName the normalised SNI name, or {@code null}
     */
    void onHandshake(ChannelHandlerContext ctx, SslHandler sslHandler, String serverName) throws Exception;
}
