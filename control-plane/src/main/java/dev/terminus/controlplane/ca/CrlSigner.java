package dev.terminus.controlplane.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds and signs a subordinate's complete CRL (RFC 5280 §5). Stateless; inputs are already validated. */
final class CrlSigner {

    private CrlSigner() {
    }

    /**
     * Returns the DER of a v2 CRL issued by {@code issuer}: CRL number, authority key identifier,
     * thisUpdate/nextUpdate, and one entry per revoked serial with its reason code.
     */
    static byte[] sign(CaCredentials issuer, long crlNumber, Instant thisUpdate, Instant nextUpdate,
            List<RevokedSerial> revokedSerials) {
        try {
            X509CertificateHolder issuerHolder = new X509CertificateHolder(issuer.certificate().getEncoded());
            // The CRL issuer must equal the certificates' issuer name byte for byte (RFC 5280 §5.1.2.3),
            // so take it from the CA certificate itself rather than rebuilding it.
            X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerHolder.getSubject(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (RevokedSerial revoked : revokedSerials) {
                builder.addCRLEntry(revoked.serial(), Date.from(revoked.revokedAt()), revoked.reason().code());
            }
            // RFC 5280 §5.2.3 and §5.2.1: conforming CRL issuers MUST include the CRL number and the AKI.
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(crlNumber)));
            builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(issuerHolder)));
            String algorithm = KeyAlgorithm.of(issuer.certificate().getPublicKey()).signatureAlgorithm();
            X509CRLHolder crl = builder.build(new JcaContentSignerBuilder(algorithm).build(issuer.privateKey()));
            return crl.getEncoded();
        } catch (IOException | CertificateEncodingException | OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the CRL of " + issuer, e);
        }
    }

    /** Returns the issuer's subject key identifier, which every certificate it signed carries as AKI. */
    static byte[] keyId(X509CertificateHolder issuer) {
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
        if (ski == null) {
            // Every CA this hierarchy makes or restores carries an SKI (CertificateSigner adds it).
            throw new IllegalStateException("CA certificate " + issuer.getSubject() + " has no subject key identifier");
        }
        return ski.getKeyIdentifier();
    }
}
