package dev.terminus.controlplane.certificates;

import dev.terminus.controlplane.ca.KeyAlgorithm;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reads what the inventory shows of a certificate: names, serial, issuer, validity, key algorithm. */
record CertificateFacts(String domainName, List<String> subjectAlternativeNames, String serial, String subject,
        String issuer, Instant notBefore, Instant notAfter, KeyAlgorithm keyAlgorithm) {

    // RFC 5280 §4.2.1.6: GeneralName tag 2 is dNSName.
    private static final int DNS_NAME = 2;

    /** Reads {@code certificate}, whose key algorithm the caller already checked; the domain is the CN, else the first SAN. */
    static CertificateFacts of(X509Certificate certificate, KeyAlgorithm keyAlgorithm) {
        List<String> names = dnsNames(certificate);
        String commonName = commonName(certificate);
        String domain = commonName != null ? commonName : names.isEmpty() ? null : names.get(0);
        return new CertificateFacts(domain, names, certificate.getSerialNumber().toString(16),
                certificate.getSubjectX500Principal().getName(), certificate.getIssuerX500Principal().getName(),
                certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), keyAlgorithm);
    }

    /** Returns the DNS names of the subject alternative name extension, lower-cased, in order. */
    static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (((Integer) alternative.get(0)) == DNS_NAME) {
                        names.add(((String) alternative.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw CertificateException.of(ErrorCode.MALFORMED_CERTIFICATE, "certificate", "unreadable subjectAltName",
                    "a well-formed subject alternative name extension");
        }
        return List.copyOf(names);
    }

    /** Returns the subject's last CN, lower-cased, or null without one. */
    static String commonName(X509Certificate certificate) {
        try {
            String found = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && !rdn.getValue().toString().isBlank()) {
                    found = rdn.getValue().toString().toLowerCase(Locale.ROOT);
                }
            }
            return found;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
