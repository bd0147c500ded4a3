package dev.terminus.controlplane.server;

import dev.terminus.controlplane.store.ServerIdentityStore.ServerIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Builds the API server's JDK {@link SSLContext} from its identity; the key lives only in memory. */
final class Tls {

    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private Tls() {
    }

    /** Returns a TLS server context presenting the leaf and its chain (subordinate, root). */
    static SSLContext serverContext(ServerIdentity identity) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            List<Certificate> chain = new ArrayList<>();
            chain.add(identity.certificate());
            chain.addAll(identity.chain());
            store.setKeyEntry("api", identity.privateKey(), IN_MEMORY, chain.toArray(Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, IN_MEMORY);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the API's TLS context", e);
        }
    }
}
