package dev.terminus.controlplane.store;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Persists the control plane's own TLS identities (the API server's certificate), with the key
 * sealed like every certificate key under {@code server:<name>}. Thread-safe, blocking.
 */
public interface ServerIdentityStore {

    /** Holds a leaf, its chain (issuer first) and its key; {@link #toString()} leaves the key out. */
    record ServerIdentity(X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {
        /** Copies the chain. */
        public ServerIdentity {
            chain = List.copyOf(chain);
        }

        @Override
        public String toString() {
            return "ServerIdentity[subject=" + certificate.getSubjectX500Principal().getName() + ", serial="
                    + certificate.getSerialNumber().toString(16) + "]";
        }
    }

    /** Returns the identity called {@code name}, if stored. */
    Optional<ServerIdentity> load(String name);

    /** Stores {@code identity} as {@code name}, replacing any previous one in the same transaction. */
    void save(String name, ServerIdentity identity);
}
