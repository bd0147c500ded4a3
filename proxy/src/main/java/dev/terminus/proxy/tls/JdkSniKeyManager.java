package dev.terminus.proxy.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the key by SNI for the JDK fallback provider, which has no per-connection
 * credentials: the JDK asks per key type ("EC", "RSA") in the client's order of preference.
 * Aliases are indexes into this snapshot's certificate list. Degraded path; BoringSSL does not
 * use it.
 */
final class JdkSniKeyManager extends X509ExtendedKeyManager {
    private final CertificateIndex index;
    private final List<ServedCertificate> certificates;
    private final Map<ServedCertificate, String> aliases = new IdentityHashMap<>();

    JdkSniKeyManager(CertificateIndex index) {
        this.index = index;
        this.certificates = index.certificates();
        for (int i = 0; i < certificates.size(); i++) {
            aliases.put(certificates.get(i), Integer.toString(i));
        }
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        String sni = null;
        SSLSession session = engine == null ? null : engine.getHandshakeSession();
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
        }
        boolean wantEc = "EC".equals(keyType) || "ECDSA".equals(keyType);
        for (ServedCertificate c : index.select(sni).offered()) {
            if (c.isEcdsa() == wantEc) {
                return aliases.get(c);
            }
        }
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServedCertificate c = byAlias(alias);
        return c == null ? null : c.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServedCertificate c = byAlias(alias);
        return c == null ? null : c.key();
    }

    private ServedCertificate byAlias(String alias) {
        try {
            int i = Integer.parseInt(alias);
            return i >= 0 && i < certificates.size() ? certificates.get(i) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
