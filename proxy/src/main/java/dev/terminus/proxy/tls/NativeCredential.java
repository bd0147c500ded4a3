package dev.terminus.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.OpenSslCredential;
import io.netty.handler.ssl.OpenSslCredentialBuilder;
import io.netty.handler.ssl.PemPrivateKey;
import io.netty.handler.ssl.PemX509Certificate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * Builds a certificate's BoringSSL credential ({@code SSL_CREDENTIAL}) from its DER chain and
 * PKCS#8 key. Call off the event loop; safe from any number of threads.
 *
 * <p>netty-tcnative parses key material only from PEM ({@code SSL.parsePrivateKey} and
 * {@code SSL.parseX509Chain} read a BIO of PEM; there is no DER entry point). Handed JDK objects,
 * Netty's {@link OpenSslCredentialBuilder} encodes them to PEM in new buffers and copies those
 * into new direct buffers; handed a {@link PemPrivateKey} and a {@link PemX509Certificate} over
 * direct memory, it writes that memory straight into BoringSSL's BIO. So this encodes once, with
 * the JDK's base64 encoder, into per-thread direct buffers that are reused for every certificate.
 */
final class NativeCredential {
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    private static final byte[] CERTIFICATE = "CERTIFICATE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRIVATE_KEY = ("PRIVATE" + " KEY").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BEGIN = "-----BEGIN ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "-----END ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASHES = "-----\n".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private NativeCredential() {
    }

    /** Builds the credential, or throws naming the file BoringSSL refused and why. */
    static OpenSslCredential build(LoadedCertificate c) throws CertificateException {
        Scratch s = SCRATCH.get();
        // The DER as read when there is one: LazyX509Certificate.getEncoded would copy it.
        byte[][] ders = c.chainDer() != null ? c.chainDer() : encoded(c);
        int chainSize = 0;
        for (byte[] der : ders) {
            chainSize += pemSize(CERTIFICATE, der);
        }
        byte[] pkcs8 = c.key().getEncoded();
        if (pkcs8 == null) {
            throw new CertificateException(c.keySource() + ": the private key cannot be encoded as PKCS#8");
        }
        ByteBuf chainPem = s.chain(chainSize);
        for (byte[] der : ders) {
            pem(s, chainPem, CERTIFICATE, der, false);
        }
        ByteBuf keyPem = s.key(pemSize(PRIVATE_KEY, pkcs8));
        pem(s, keyPem, PRIVATE_KEY, pkcs8, true);
        Arrays.fill(pkcs8, (byte) 0);
        // Each takes a reference on the scratch buffer and gives it back on release; the key's is
        // zeroed then (PemPrivateKey is sensitive). BoringSSL has copied both by the time build returns.
        PemPrivateKey key = PemPrivateKey.valueOf(keyPem.retainedSlice());
        PemX509Certificate chain = PemX509Certificate.valueOf(chainPem.retainedSlice());
        try {
            return OpenSslCredentialBuilder.forX509(key, chain).build();
        } catch (RuntimeException e) {
            StringBuilder why = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                why.append(why.length() == 0 ? "" : ": ").append(t.getMessage());
            }
            if (why.toString().toUpperCase(Locale.ROOT).contains("KEY_VALUES_MISMATCH") || !javaMatches(c)) {
                throw new CertificateException(c.keySource() + ": private key does not match the certificate in "
                        + c.source(), e);
            }
            throw new CertificateException(c.source() + ": BoringSSL refused the certificate and key: " + why, e);
        } finally {
            key.release();
            chain.release();
            keyPem.release();
            chainPem.release();
        }
    }

    /** Encodes a chain that came as JDK certificates. */
    private static byte[][] encoded(LoadedCertificate c) throws CertificateException {
        byte[][] ders = new byte[c.chain().length][];
        try {
            for (int i = 0; i < ders.length; i++) {
                ders[i] = c.chain()[i].getEncoded();
            }
        } catch (CertificateEncodingException e) {
            throw new CertificateException(c.source() + ": " + e.getMessage(), e);
        }
        return ders;
    }

    private static int pemSize(byte[] type, byte[] der) {
        return BEGIN.length + END.length + 2 * (type.length + DASHES.length) + base64Size(der) + 1;
    }

    private static int base64Size(byte[] der) {
        int base64 = 4 * ((der.length + 2) / 3);
        return base64 + Math.max(0, (base64 - 1) / 64);
    }

    /** Appends one PEM block with 64-character lines, as OpenSSL writes it; zeroes the base64 of a key. */
    private static void pem(Scratch s, ByteBuf out, byte[] type, byte[] der, boolean sensitive) {
        int length = base64Size(der);
        if (s.base64.length < length) {
            s.base64 = new byte[length];
        }
        int n = BASE64.encode(der, s.base64);
        out.writeBytes(BEGIN).writeBytes(type).writeBytes(DASHES).writeBytes(s.base64, 0, n).writeByte('\n')
                .writeBytes(END).writeBytes(type).writeBytes(DASHES);
        if (sensitive) {
            Arrays.fill(s.base64, 0, n, (byte) 0);
        }
    }

    /**
     * Checks in Java whether the key belongs to the leaf, only after BoringSSL refused them: an EC
     * key given the certificate's public point fails to parse, rather than to match, when the two
     * do not belong together (see DerMaterial.matchingPkcs8).
     */
    private static boolean javaMatches(LoadedCertificate c) {
        try {
            return CertificateReader.matches(
                    CertificateReader.javaKey(c.key().getAlgorithm(), c.key().getEncoded(), c.keySource()),
                    CertificateReader.javaCertificate(c.chain()[0].getEncoded(), c.source()).getPublicKey());
        } catch (CertificateException | CertificateEncodingException | RuntimeException e) {
            return true; // unreadable in Java too: report BoringSSL's own reason
        }
    }

    /**
     * Per-thread buffers: PEM in direct memory that Netty hands to BoringSSL without a copy of its
     * own. The memory is the JDK's ({@link ByteBuffer#allocateDirect}), which the collector frees
     * with the thread's buffers; Netty's wrapper over it never frees it.
     */
    private static final class Scratch {
        private ByteBuffer chain = ByteBuffer.allocateDirect(8 * 1024);
        private ByteBuffer key = ByteBuffer.allocateDirect(1024);
        byte[] base64 = new byte[4 * 1024];

        /** Returns an empty buffer of at least {@code size} bytes over this thread's chain memory. */
        ByteBuf chain(int size) {
            if (chain.capacity() < size) {
                chain = ByteBuffer.allocateDirect(size);
            }
            return Unpooled.wrappedBuffer(chain.clear()).clear();
        }

        /** Returns an empty buffer of at least {@code size} bytes over this thread's key memory. */
        ByteBuf key(int size) {
            if (key.capacity() < size) {
                key = ByteBuffer.allocateDirect(size);
            }
            return Unpooled.wrappedBuffer(key.clear()).clear();
        }
    }
}
