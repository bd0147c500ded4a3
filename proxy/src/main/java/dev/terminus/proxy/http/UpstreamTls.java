package dev.terminus.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Speaks TLS to the targets of one HTTPS target group: one client context, built when the
 * snapshot is built, and the name each connection sends as SNI and checks the certificate
 * against. Immutable; shared by every event loop.
 */
public final class UpstreamTls {
    /** Backends speak HTTP/1.1 here; offering it by ALPN keeps a server that also does h2 from choosing h2. */
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_1_1);

    private final SslContext context;
    private final String serverName;

    private UpstreamTls(SslContext context, String serverName) {
        this.context = context;
        this.serverName = serverName;
    }

    /**
     * Builds the client context of a group. Call off the event loop.
     *
     * @param openSsl    use BoringSSL (as the listeners do), else the JDK's TLS
     * @param trusted    the CA certificates to trust; empty for the JVM's default trust store
     * @param serverName the name to send and verify, or {@code null} for each target's host
     * @param verify     false accepts any certificate for any name
     */
    public static UpstreamTls build(boolean openSsl, List<X509Certificate> trusted, String serverName, boolean verify)
            throws SSLException {
        // OPENSSL, not OPENSSL_REFCNT: a context dropped by a reload is freed by the GC, as the
        // connections that still use it end.
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(openSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(ALPN);
        if (verify) {
            // RFC 9110 4.3.4 / RFC 6125: check the certificate's names against the one we asked for.
            b.endpointIdentificationAlgorithm("HTTPS");
            if (!trusted.isEmpty()) {
                b.trustManager(trusted);
            }
        } else {
            b.endpointIdentificationAlgorithm(null).trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        return new UpstreamTls(b.build(), serverName);
    }

    /** Returns the name sent as SNI and verified for {@code target}. */
    String serverName(RouteAction.Forward target) {
        return serverName != null ? serverName : target.host();
    }

    /** Creates the client TLS handler of one connection to {@code target}; on its event loop. */
    public SslHandler newHandler(ByteBufAllocator alloc, RouteAction.Forward target, long handshakeTimeoutMillis) {
        // The peer host is both the SNI (unless it is an IP literal) and the name verified.
        SslHandler handler = context.newHandler(alloc, serverName(target), target.port());
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    @Override
    public String toString() {
        return "TLS to " + (serverName == null ? "each target's host" : serverName);
    }
}
