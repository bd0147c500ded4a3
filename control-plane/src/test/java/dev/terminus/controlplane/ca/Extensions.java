package dev.terminus.controlplane.ca;

import java.io.IOException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/** Reads a certificate extension's value as ASN.1, for assertions with Bouncy Castle's types. */
final class Extensions {

    private Extensions() {
    }

    /** Returns the decoded value of extension {@code oid}; fails the test if it is absent. */
    static ASN1Primitive value(X509Certificate certificate, ASN1ObjectIdentifier oid) {
        byte[] encoded = certificate.getExtensionValue(oid.getId());
        if (encoded == null) {
            throw new AssertionError("missing extension " + oid + " in " + certificate.getSubjectX500Principal());
        }
        try {
            return JcaX509ExtensionUtils.parseExtensionValue(encoded);
        } catch (IOException e) {
            throw new AssertionError("unparseable extension " + oid, e);
        }
    }
}
