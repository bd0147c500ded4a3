package dev.terminus.controlplane.ca;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs the three kinds of certificate of the hierarchy: self-signed roots, path-length-0
 * subordinates and TLS server end-entity certificates. Thread-safe and stateless apart from its
 * {@link SecureRandom}. Inputs are already validated; a signing failure is a broken invariant.
 */
final class CertificateSigner {

    private static final int SERIAL_BYTES = 16;

    private final SecureRandom random;
    private final JcaX509ExtensionUtils extensionUtils;

    CertificateSigner(SecureRandom random) {
        this.random = random;
        try {
            this.extensionUtils = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 for key identifiers is unavailable", e);
        }
    }

    /** Signs a root CA certificate for {@code keys} with itself: CA, no path-length limit. */
    X509Certificate root(String commonName, KeyPair keys, Validity validity) {
        X500Name subject = name(commonName);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                Date.from(validity.notBefore()), Date.from(validity.notAfter()), subject, keys.getPublic());
        addCaExtensions(builder, keys.getPublic(), new BasicConstraints(true));
        // RFC 5280 §4.2.1.1: the AKI may be omitted from self-signed certificates; SKI identifies the root.
        return sign(builder, keys.getPrivate(), keys.getPublic());
    }

    /** Signs a subordinate CA certificate for {@code key} with {@code issuer}: CA, path length 0. */
    X509Certificate subordinate(String commonName, PublicKey key, Validity validity, CaCredentials issuer) {
        X509v3CertificateBuilder builder = builder(issuer.certificate(), name(commonName), key, validity);
        // Path length 0: the subordinate signs end entities only, never another CA (RFC 5280 §4.2.1.9).
        addCaExtensions(builder, key, new BasicConstraints(0));
        add(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer.certificate()));
        return sign(builder, issuer.privateKey(), issuer.certificate().getPublicKey());
    }

    /**
     * Signs a TLS server certificate for {@code key} with {@code issuer}: subject CN is the first
     * name, every name is a DNS SAN, serverAuth EKU, and the region's CRL and OCSP URLs.
     */
    X509Certificate endEntity(List<String> dnsNames, PublicKey key, Validity validity, CaCredentials issuer,
            String crlUrl, String ocspUrl) {
        X509v3CertificateBuilder builder = builder(issuer.certificate(), name(dnsNames.get(0)), key, validity);
        add(builder, Extension.basicConstraints, true, new BasicConstraints(false));
        // ACM's RSA certificates also carry keyEncipherment, which TLS 1.2 RSA key exchange requires
        // (RFC 5246 §7.4.2); ECDSA keys only sign.
        int usage = KeyUsage.digitalSignature | (KeyAlgorithm.of(key).isEc() ? 0 : KeyUsage.keyEncipherment);
        add(builder, Extension.keyUsage, true, new KeyUsage(usage));
        add(builder, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        add(builder, Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(key));
        add(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer.certificate()));
        GeneralName[] sans = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        // The subject is not empty, so the SAN extension is not critical (RFC 5280 §4.2.1.6).
        add(builder, Extension.subjectAlternativeName, false, new GeneralNames(sans));
        GeneralNames crl = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl));
        add(builder, Extension.cRLDistributionPoints, false,
                new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(new DistributionPointName(crl), null, null)}));
        add(builder, Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                new AccessDescription(AccessDescription.id_ad_ocsp,
                        new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
        return sign(builder, issuer.privateKey(), issuer.certificate().getPublicKey());
    }

    /** Returns a positive serial number of 16 random bytes (CA/B BR §7.1 asks for at least 64 random bits). */
    BigInteger serialNumber() {
        byte[] bytes = new byte[SERIAL_BYTES];
        BigInteger serial;
        do {
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    private X509v3CertificateBuilder builder(X509Certificate issuer, X500Name subject, PublicKey key, Validity validity) {
        // Taking the issuer name from the issuer certificate keeps its exact encoding, so name chaining
        // works even for byte-comparing verifiers (RFC 5280 §7.1).
        return new JcaX509v3CertificateBuilder(issuer, serialNumber(),
                Date.from(validity.notBefore()), Date.from(validity.notAfter()), subject, key);
    }

    private void addCaExtensions(X509v3CertificateBuilder builder, PublicKey key, BasicConstraints constraints)
            {
        add(builder, Extension.basicConstraints, true, constraints);
        add(builder, Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        add(builder, Extension.subjectKeyIdentifier, false, extensionUtils.createSubjectKeyIdentifier(key));
    }

    private AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) {
        // Only the key identifier: CA/B BR §7.1.2.11.1 forbids authorityCertIssuer and serial. Reuse the
        // issuer's own SKI when present, so that restored CAs made elsewhere still chain.
        byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        byte[] keyId = ski != null
                ? SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier()
                : extensionUtils.createSubjectKeyIdentifier(issuer.getPublicKey()).getKeyIdentifier();
        return new AuthorityKeyIdentifier(keyId);
    }

    private static void add(X509v3CertificateBuilder builder, ASN1ObjectIdentifier oid, boolean critical,
            ASN1Encodable value) {
        try {
            builder.addExtension(oid, critical, value);
        } catch (CertIOException e) {
            throw new IllegalStateException("cannot encode extension " + oid, e);
        }
    }

    private static X500Name name(String commonName) {
        // Built attribute by attribute: a comma or plus in a name must not inject extra RDNs.
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer, PublicKey signerPublic) {
        String algorithm = KeyAlgorithm.of(signerPublic).signatureAlgorithm();
        try {
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
            // Fail fast if the signing key does not belong to the issuer certificate.
            certificate.verify(signerPublic);
            return certificate;
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign certificate with " + algorithm, e);
        }
    }
}
