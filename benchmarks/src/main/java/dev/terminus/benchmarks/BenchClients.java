package dev.terminus.benchmarks;

import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;

/**
 * Builds the client side of the in-memory handshake benchmarks, negotiating what
 * {@code compare.sh}'s load generator negotiates: an X25519 key share, P-256 accepted in
 * ECDSA certificates (RFC 8422 5.1.1). Left to its defaults, a BoringSSL client also sends an
 * X25519MLKEM768 share (1.2 KB, with an ML-KEM key generation on every handshake) that the
 * server's policy then ignores; that would charge the OpenSSL pairs for work the JDK client
 * (whose default list starts with x25519) never does.
 */
final class BenchClients {
    private BenchClients() {
    }

    /**
     * Returns a client context that trusts any server, for one protocol version.
     *
     * @param sessionCacheSize the client's session cache size; 0 keeps the provider's default
     */
    static SslContext of(boolean openSsl, String protocol, int sessionCacheSize) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(openSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .protocols(protocol);
        if (openSsl) {
            b.option(OpenSslContextOption.GROUPS, new String[] {"X25519", "P-256"});
        }
        if (sessionCacheSize > 0) {
            b.sessionCacheSize(sessionCacheSize);
        }
        return b.build();
    }
}
