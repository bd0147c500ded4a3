package dev.terminus.controlplane.server;

import dev.terminus.controlplane.ca.CaCredentials;
import dev.terminus.controlplane.store.CaMaterialStore;
import dev.terminus.controlplane.store.ServerIdentityStore;
import dev.terminus.controlplane.store.ServerIdentityStore.ServerIdentity;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the API server's own certificate: EC P-256, signed by the global region's subordinate CA,
 * for {@code localhost}, 127.0.0.1, ::1 and the configured address. Signed here rather than through
 * the inventory because the CA library issues DNS names of two labels or more only (ACM's rule),
 * and a local API needs {@code localhost} and IP addresses. Re-issued at start when missing, within
 * {@link #REISSUE_BEFORE} of expiry, signed by another CA, or for other names; the key is sealed in the store.
 */
final class ServerIdentities {

    static final String API = "api";
    /** Re-issue the API certificate when it has less than this left; it is checked at every start. */
    static final Duration REISSUE_BEFORE = Duration.ofDays(60);
    private static final Duration VALIDITY = Duration.ofDays(395);
    private static final Logger log = LoggerFactory.getLogger(ServerIdentities.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerIdentities() {
    }

    /** Returns the stored API identity, issuing and storing a new one first when needed. */
    static ServerIdentity ensure(ServerIdentityStore store, CaMaterialStore caMaterial, String globalRegion, String address,
            Clock clock) {
        CaMaterialStore.CaMaterial material = caMaterial.load().orElseThrow(() -> new IllegalStateException("no root CA"));
        CaCredentials issuer = material.subordinates().get(globalRegion);
        List<String> names = names(address);
        Optional<ServerIdentity> stored = store.load(API);
        if (stored.isPresent() && usable(stored.get(), issuer, names, clock.instant())) {
            return stored.get();
        }
        ServerIdentity identity = issue(issuer, material.root().certificate(), names, clock.instant());
        store.save(API, identity);
        log.info("Issued the API server certificate for {} from the {} subordinate CA (serial {}, until {})", names,
                globalRegion, identity.certificate().getSerialNumber().toString(16), identity.certificate().getNotAfter().toInstant());
        return identity;
    }

    /** Returns the names the certificate carries: localhost, the loopback addresses, and the listen address when specific. */
    static List<String> names(String address) {
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        boolean wildcard = address.equals("0.0.0.0") || address.equals("::");
        if (!wildcard && !names.contains(address)) {
            names.add(address);
        }
        return names;
    }

    private static boolean usable(ServerIdentity identity, CaCredentials issuer, List<String> names, Instant now) {
        X509Certificate certificate = identity.certificate();
        try {
            certificate.verify(issuer.certificate().getPublicKey());
            List<String> present = new ArrayList<>();
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                present.add(canonical(String.valueOf(name.get(1))));
            }
            return present.equals(names.stream().map(ServerIdentities::canonical).toList())
                    && certificate.getNotAfter().toInstant().minus(REISSUE_BEFORE).isAfter(now);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static ServerIdentity issue(CaCredentials issuer, X509Certificate root, List<String> names, Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keys = generator.generateKeyPair();
            Instant notAfter = now.plus(VALIDITY);
            Instant issuerEnd = issuer.certificate().getNotAfter().toInstant();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.certificate(),
                    new BigInteger(128, RANDOM).setBit(127), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(notAfter.isAfter(issuerEnd) ? issuerEnd : notAfter), new X500Name("CN=Terminus control plane API"),
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuer.certificate().getPublicKey()));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                    .map(ServerIdentities::generalName).toArray(GeneralName[]::new)));
            String algorithm = issuer.privateKey().getAlgorithm().equals("EC") ? "SHA384withECDSA" : "SHA256withRSA";
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuer.privateKey())));
            certificate.verify(issuer.certificate().getPublicKey());
            return new ServerIdentity(certificate, List.of(issuer.certificate(), root), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot issue the API server certificate", e);
        }
    }

    private static GeneralName generalName(String name) {
        boolean ip = name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static String canonical(String name) {
        if (generalName(name).getTagNo() == GeneralName.iPAddress) {
            try {
                // Literal addresses only (no lookup): getByName parses them without DNS.
                return InetAddress.getByName(name).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return name;
            }
        }
        return name;
    }
}
