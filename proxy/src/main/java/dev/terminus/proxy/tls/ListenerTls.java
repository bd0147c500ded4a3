package dev.terminus.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

import io.netty.internal.tcnative.SSL;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Holds a listener's TLS state for one snapshot: the context of its security policy and its
 * certificate index. Immutable; every connection reads it once, at its ClientHello.
 */
public final class ListenerTls {
    private final String listenerName;
    private final SecurityPolicy policy;
    private final SslContext context;
    private final CertificateIndex index;
    private final boolean openSsl;
    private final boolean resumption;

    ListenerTls(String listenerName, SecurityPolicy policy, SslContext context, CertificateIndex index,
                boolean openSsl, boolean resumption) {
        this.resumption = resumption;
        this.listenerName = listenerName;
        this.policy = policy;
        this.context = context;
        this.index = index;
        this.openSsl = openSsl;
    }

    public String listenerName() {
        return listenerName;
    }

    public SecurityPolicy policy() {
        return policy;
    }

    public CertificateIndex index() {
        return index;
    }

    public SslContext context() {
        return context;
    }

    /**
     * Creates the TLS handler for one connection, offering the selected certificates. Runs on
     * the event loop: no parsing, only reference-count increments on prepared credentials.
     *
     * @throws io.netty.util.IllegalReferenceCountException if a reload retired this snapshot's
     *         key material between the lookup and now; the caller retries with the new snapshot
     */
    SslHandler newHandler(ByteBufAllocator alloc, CertificateIndex.Selection selection, long handshakeTimeoutMillis) {
        // The context's own handler holds a BoringSSL engine outside JDK compatibility mode: an unwrap
        // takes every whole record it is given and a wrap may write several, instead of one per call.
        SslHandler handler = openSsl ? context.newHandler(alloc) : new SslHandler(context.newEngine(alloc));
        offer(handler.engine(), selection);
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeoutMillis));
        return handler;
    }

    /**
     * Creates a server engine that offers the certificates this listener selects for a server
     * name, exactly as a connection's handshake would. For benchmarks and tools; connections go
     * through {@link SniCertificateSelector}.
     *
     * @param serverName the SNI name, or {@code null} for none
     */
    public SSLEngine newEngine(ByteBufAllocator alloc, String serverName) {
        return newEngine(alloc, index.select(serverName));
    }

    private SSLEngine newEngine(ByteBufAllocator alloc, CertificateIndex.Selection selection) {
        SSLEngine engine = context.newEngine(alloc);
        offer(engine, selection);
        return engine;
    }

    /** Offers the selected credentials on a new engine; releases the engine if BoringSSL refuses one. */
    private void offer(SSLEngine engine, CertificateIndex.Selection selection) {
        if (openSsl) {
            ReferenceCountedOpenSslEngine e = (ReferenceCountedOpenSslEngine) engine;
            boolean ok = false;
            try {
                if (!resumption) {
                    // Netty clears SSL_OP_NO_TICKET per engine for TLS 1.3; set it back.
                    SSL.setOptions(e.sslPointer(), SSL.SSL_OP_NO_TICKET);
                }
                for (ServedCertificate c : selection.offered()) {
                    e.addCredential(c.credential());
                }
                ok = true;
            } catch (SSLException ex) {
                throw new IllegalStateException("BoringSSL refused a prepared credential: " + ex.getMessage(), ex);
            } finally {
                if (!ok) {
                    ReferenceCountUtil.release(e);
                }
            }
        }
    }
}
