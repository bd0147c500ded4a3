package dev.terminus.controlplane.certificates;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/** Checks that a chain runs issuer after subject: element 0 signs the leaf, element i signs element i − 1. */
final class ChainOrder {

    private ChainOrder() {
    }

    /** Refuses with {@link ErrorCode#CHAIN_ORDER} the first link that breaks, saying where the right issuer sits if present. */
    static void check(X509Certificate leaf, List<X509Certificate> chain) {
        X509Certificate child = leaf;
        for (int i = 0; i < chain.size(); i++) {
            String childName = i == 0 ? "the leaf" : "certificateChain[" + (i - 1) + "]";
            if (!signs(chain.get(i), child)) {
                int found = indexOfIssuer(chain, child);
                String expected = found >= 0
                        ? "the issuer of " + childName + ", which is at certificateChain[" + found
                                + "]: put each issuer right after the certificate it signs"
                        : "the issuer of " + childName + " (" + child.getIssuerX500Principal().getName()
                                + "), which signs it; this chain does not sign " + childName;
                throw CertificateException.of(ErrorCode.CHAIN_ORDER, "certificateChain[" + i + "]",
                        ImportChecks.subject(chain.get(i)), expected);
            }
            if (chain.get(i).getBasicConstraints() < 0) {
                throw CertificateException.of(ErrorCode.CHAIN_ORDER, "certificateChain[" + i + "]",
                        ImportChecks.subject(chain.get(i)), "a CA certificate (basicConstraints CA:TRUE)");
            }
            child = chain.get(i);
        }
    }

    private static int indexOfIssuer(List<X509Certificate> chain, X509Certificate child) {
        for (int j = 0; j < chain.size(); j++) {
            if (chain.get(j) != child && signs(chain.get(j), child)) {
                return j;
            }
        }
        return -1;
    }

    private static boolean signs(X509Certificate issuer, X509Certificate child) {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
