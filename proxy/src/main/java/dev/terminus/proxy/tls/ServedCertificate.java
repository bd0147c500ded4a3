package dev.terminus.proxy.tls;

import io.netty.handler.ssl.OpenSslCredential;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Holds one certificate as the handshake path uses it: a compact description plus its key
 * material, prepared once when the snapshot is built so that no handshake parses anything.
 *
 * <p>On BoringSSL the key material is a native {@link OpenSslCredential} (chain and key already
 * decoded, about 2 KB of native memory); the Java objects are dropped. On the JDK fallback the
 * chain and key stay on the heap. The credential is reference counted: each snapshot that holds
 * this certificate owns one reference, and each engine that offers it owns another, so a
 * connection in flight keeps its key material after a reload drops it.
 */
public final class ServedCertificate {
    private final String name;
    private final String source;
    private final List<String> names;
    private final String keyType;
    private final boolean ecdsa;
    private final String serialHex;
    private final long notBeforeMillis;
    private final long notAfterMillis;
    private final String fingerprint;
    private final OpenSslCredential credential;
    private final X509Certificate[] chain;
    private final PrivateKey key;

    ServedCertificate(LoadedCertificate c, OpenSslCredential credential) {
        this.name = c.name();
        this.source = c.source();
        this.names = c.names();
        this.keyType = c.keyType();
        this.ecdsa = c.isEcdsa();
        this.serialHex = c.serialHex();
        this.notBeforeMillis = c.notBefore().toEpochMilli();
        this.notAfterMillis = c.notAfter().toEpochMilli();
        this.fingerprint = c.fingerprint();
        this.credential = credential;
        this.chain = credential == null ? c.chain() : null;
        this.key = credential == null ? c.key() : null;
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public List<String> names() {
        return names;
    }

    public String keyType() {
        return keyType;
    }

    public boolean isEcdsa() {
        return ecdsa;
    }

    public String serialHex() {
        return serialHex;
    }

    public Instant notBefore() {
        return Instant.ofEpochMilli(notBeforeMillis);
    }

    public Instant notAfter() {
        return Instant.ofEpochMilli(notAfterMillis);
    }

    long notAfterMillis() {
        return notAfterMillis;
    }

    /** Returns SHA-256 over the chain and key bytes it was made from. */
    public String fingerprint() {
        return fingerprint;
    }

    /** Returns the native credential, or {@code null} on the JDK provider. */
    OpenSslCredential credential() {
        return credential;
    }

    X509Certificate[] chain() {
        return chain;
    }

    PrivateKey key() {
        return key;
    }

    /** Takes one more reference for a new snapshot that keeps this certificate. */
    public void retain() {
        if (credential != null) {
            credential.retain();
        }
    }

    /** Drops the reference of a snapshot that is retired. */
    public void release() {
        if (credential != null) {
            credential.release();
        }
    }

    @Override
    public String toString() {
        return name + " " + keyType + " " + names;
    }
}
