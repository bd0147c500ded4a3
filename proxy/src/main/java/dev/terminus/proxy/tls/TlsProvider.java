package dev.terminus.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslCredential;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import javax.net.ssl.SSLException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Chooses the TLS implementation once at start and builds everything provider-specific:
 * per-certificate key material and per-listener contexts.
 *
 * <p>BoringSSL (netty-tcnative) is the implementation; the JDK's is a fallback for machines
 * where the native library cannot load, reported at start, on {@code /readyz} and as a metric.
 * Session-ticket keys are made once per process and shared by every context, so a certificate
 * reload (which builds new contexts) does not stop TLS 1.3 clients from resuming.
 */
public final class TlsProvider {
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final boolean openSsl;
    private final String fallbackReason;
    private final OpenSslSessionTicketKey[] ticketKeys;

    private TlsProvider(boolean openSsl, String fallbackReason) {
        this.openSsl = openSsl;
        this.fallbackReason = fallbackReason;
        this.ticketKeys = openSsl ? new OpenSslSessionTicketKey[] {newTicketKey()} : null;
    }

    /**
     * Detects BoringSSL with the credentials API; falls back to the JDK with a reason.
     *
     * @param forceJdk use the JDK provider even where BoringSSL loads (tests, comparisons)
     */
    public static TlsProvider detect(boolean forceJdk) {
        if (forceJdk) {
            return new TlsProvider(false, "JDK provider requested");
        }
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            return new TlsProvider(false, "BoringSSL could not load: " + (cause == null ? "unknown" : cause));
        }
        if (!OpenSslCredential.isAvailable()) {
            return new TlsProvider(false, "native TLS library is " + OpenSsl.versionString()
                    + ", not BoringSSL with the credentials API");
        }
        return new TlsProvider(true, null);
    }

    public boolean isOpenSsl() {
        return openSsl;
    }

    /** Returns a certificate reader suited to this provider (BoringSSL re-checks EC key pairs natively). */
    public CertificateReader reader(java.time.Clock clock) {
        return new CertificateReader(clock, !openSsl);
    }

    /** Returns {@code openssl} or {@code jdk}, the metric label. */
    public String label() {
        return openSsl ? "openssl" : "jdk";
    }

    /** Returns why the JDK fallback is in use, or {@code null} on BoringSSL. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** Returns a one-line description for the start-up log. */
    public String describe() {
        return openSsl ? OpenSsl.versionString() + " (netty-tcnative-boringssl-static)"
                : "JDK " + Runtime.version() + " (FALLBACK: " + fallbackReason + ")";
    }

    /**
     * Prepares a loaded certificate for serving. On BoringSSL this builds the native credential,
     * which also proves that BoringSSL accepts the chain and key. Call off the event loop.
     */
    public ServedCertificate serve(LoadedCertificate c) throws CertificateException {
        if (!openSsl) {
            return new ServedCertificate(c, null);
        }
        return new ServedCertificate(c, NativeCredential.build(c));
    }

    /**
     * Builds the TLS side of a listener: one context for its policy, and the index.
     *
     * @param resumption         session tickets and cache on; off makes every handshake a full one
     * @param defaultCertificate the default certificate with its Java key material; the context
     *                           needs one legacy key pair, which BoringSSL consults only after
     *                           the credentials each connection offers
     */
    public ListenerTls listener(String listenerName, SecurityPolicy policy, boolean resumption, CertificateIndex index,
                                LoadedCertificate defaultCertificate) throws CertificateException {
        SslContextBuilder b;
        if (openSsl) {
            b = SslContextBuilder.forServer(javaKey(defaultCertificate), javaChain(defaultCertificate))
                    .sslProvider(SslProvider.OPENSSL)
                    // Netty keeps the key in an in-memory key store; the JDK's default, PKCS#12, seals
                    // it with 10,000 rounds of PBKDF2 each way, which C2 then compiles: a second of
                    // CPU at every start for a store that never leaves the process. JKS does not.
                    .keyStoreType("JKS")
                    .option(OpenSslContextOption.GROUPS, policy.groups().toArray(new String[0]));
        } else {
            b = SslContextBuilder.forServer(new JdkSniKeyManager(index)).sslProvider(SslProvider.JDK);
        }
        b.protocols(policy.protocols())
                .ciphers(policy.allCiphers(), SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(ALPN);
        SslContext context;
        try {
            context = b.build();
        } catch (SSLException | RuntimeException e) {
            throw new CertificateException("listener '" + listenerName + "': cannot build TLS context for policy "
                    + policy.policyName() + ": " + e.getMessage(), e);
        }
        if (openSsl && context.sessionContext() instanceof OpenSslServerSessionContext sessions) {
            if (resumption) {
                sessions.setTicketKeys(ticketKeys);
            } else {
                sessions.setSessionCacheEnabled(false);
            }
        } else if (!resumption) {
            context.sessionContext().setSessionCacheSize(1);
            context.sessionContext().setSessionTimeout(1);
        }
        return new ListenerTls(listenerName, policy, context, index, openSsl, resumption);
    }

    /** Returns the default certificate's key as a JDK object: Netty stores it in a key store. */
    private static java.security.PrivateKey javaKey(LoadedCertificate c) throws CertificateException {
        return c.key() instanceof DerMaterial.EncodedPrivateKey encoded
                ? CertificateReader.javaKey(encoded.getAlgorithm(), encoded.pkcs8(), c.keySource()) : c.key();
    }

    /** Returns the default certificate's chain as JDK objects. */
    private static java.security.cert.X509Certificate[] javaChain(LoadedCertificate c) throws CertificateException {
        java.security.cert.X509Certificate[] chain = new java.security.cert.X509Certificate[c.chain().length];
        for (int i = 0; i < chain.length; i++) {
            try {
                chain[i] = CertificateReader.javaCertificate(c.chain()[i].getEncoded(), c.source());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new CertificateException(c.source() + ": " + e.getMessage(), e);
            }
        }
        return chain;
    }

    private static OpenSslSessionTicketKey newTicketKey() {
        SecureRandom random = new SecureRandom();
        byte[] all = new byte[OpenSslSessionTicketKey.TICKET_KEY_SIZE];
        random.nextBytes(all);
        return new OpenSslSessionTicketKey(Arrays.copyOfRange(all, 0, 16), Arrays.copyOfRange(all, 16, 32),
                Arrays.copyOfRange(all, 32, 48));
    }
}
