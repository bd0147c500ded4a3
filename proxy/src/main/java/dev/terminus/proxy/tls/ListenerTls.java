package dev.terminus.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

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

    ListenerTls(String listenerName, SecurityPolicy policy, SslContext context, CertificateIndex index,
                boolean openSsl) {
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
    SslHandler newHandler(ByteBufAllocator alloc, CertificateIndex.Selection selection, long handshakeTimeoutMillis)
            throws SSLException {
        SslHandler handler = context.newHandler(alloc);
        if (openSsl) {
            ReferenceCountedOpenSslEngine engine = (ReferenceCountedOpenSslEngine) handler.engine();
            boolean ok = false;
            try {
                for (ServedCertificate c : selection.offered()) {
                    engine.addCredential(c.credential());
                }
                ok = true;
            } finally {
                if (!ok) {
                    ReferenceCountUtil.release(engine);
                }
            }
        }
        handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeoutMillis));
        return handler;
    }
}
