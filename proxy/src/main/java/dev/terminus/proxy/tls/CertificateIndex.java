package dev.terminus.proxy.tls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the certificates to offer for a server name. Immutable and safe to share across event
 * loops; a lookup is one or two hash-map probes whatever the number of names, allocates nothing
 * for exact matches, and never blocks.
 *
 * <p>Order, as ALB and certmagic document it: the exact name, then a one-label wildcard
 * ({@code *.example.com} matches {@code a.example.com}, not {@code a.b.example.com} nor
 * {@code example.com}), then the listener's default certificate. For each name the index keeps
 * at most one ECDSA and one RSA certificate, the one that expires last, and offers ECDSA first:
 * BoringSSL takes the first offered credential the client can use, so a client that supports
 * ECDSA gets ECDSA and any other gets RSA.
 */
public final class CertificateIndex {
    private final Map<String, Selection> exact;
    private final Map<String, Selection> wildcard;
    private final Selection noSni;
    private final Selection unknown;
    private final Selection refused;
    private final boolean strict;
    private final List<ServedCertificate> certificates;
    private final ServedCertificate defaultCertificate;

    private CertificateIndex(Map<String, Selection> exact, Map<String, Selection> wildcard,
                             ServedCertificate defaultCertificate, boolean strict, List<ServedCertificate> all) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.strict = strict;
        this.defaultCertificate = defaultCertificate;
        ServedCertificate[] def = defaultOffer(defaultCertificate, exact, wildcard);
        this.noSni = new Selection(SniOutcome.DEFAULT, def);
        this.unknown = new Selection(SniOutcome.UNKNOWN, def);
        this.refused = new Selection(SniOutcome.REFUSED, new ServedCertificate[0]);
        this.certificates = Collections.unmodifiableList(all);
    }

    /**
     * Builds an index over the certificates.
     *
     * @param certificates       every certificate the listener serves
     * @param defaultCertificate served without SNI, and for unknown names unless {@code strict}
     * @param strict             refuse names no certificate has, instead of serving the default
     */
    public static CertificateIndex build(List<ServedCertificate> certificates, ServedCertificate defaultCertificate,
                                         boolean strict) {
        // One pass, straight into the final maps: most names have one certificate, so a name's
        // selection is made once and remade only when a second certificate claims the name.
        int expected = Math.max(16, certificates.size() * 4 / 3 + 1);
        Map<String, Selection> exact = new HashMap<>(expected);
        Map<String, Selection> wildcard = new HashMap<>();
        for (ServedCertificate c : certificates) {
            for (String name : c.names()) {
                if (HostNames.isWildcard(name)) {
                    add(wildcard, name.substring(2), c, SniOutcome.WILDCARD);
                } else {
                    add(exact, name, c, SniOutcome.EXACT);
                }
            }
        }
        return new CertificateIndex(exact, wildcard, defaultCertificate, strict, new ArrayList<>(certificates));
    }

    private static void add(Map<String, Selection> map, String name, ServedCertificate c, SniOutcome outcome) {
        Selection s = map.get(name);
        if (s == null) {
            map.put(name, new Selection(outcome, new ServedCertificate[] {c}));
            return;
        }
        for (ServedCertificate existing : s.certificates) {
            if (existing == c) {
                return; // the same name twice in one certificate
            }
        }
        // The kept pair (at most one per key type) plus the newcomer gives the same choice as all candidates.
        List<ServedCertificate> candidates = new ArrayList<>(List.of(s.certificates));
        candidates.add(c);
        map.put(name, new Selection(outcome, offer(candidates)));
    }

    /** Picks the ECDSA and the RSA certificate that expire last, ECDSA first. */
    static ServedCertificate[] offer(List<ServedCertificate> candidates) {
        ServedCertificate ec = null;
        ServedCertificate rsa = null;
        for (ServedCertificate c : candidates) {
            if (c.isEcdsa()) {
                if (ec == null || c.notAfterMillis() > ec.notAfterMillis()) {
                    ec = c;
                }
            } else if (rsa == null || c.notAfterMillis() > rsa.notAfterMillis()) {
                rsa = c;
            }
        }
        if (ec != null && rsa != null) {
            return new ServedCertificate[] {ec, rsa};
        }
        return new ServedCertificate[] {ec != null ? ec : rsa};
    }

    /**
     * The default certificate, plus the other key type if the default's first name has one, so
     * that an RSA-only client without SNI still completes a handshake.
     */
    private static ServedCertificate[] defaultOffer(ServedCertificate def, Map<String, Selection> exact,
                                                    Map<String, Selection> wildcard) {
        if (!def.names().isEmpty()) {
            String first = def.names().get(0);
            Selection s = HostNames.isWildcard(first) ? wildcard.get(first.substring(2)) : exact.get(first);
            if (s != null) {
                for (ServedCertificate c : s.certificates) {
                    if (c == def) {
                        List<ServedCertificate> offer = new ArrayList<>(2);
                        offer.add(def);
                        for (ServedCertificate other : s.certificates) {
                            if (other != def && other.isEcdsa() != def.isEcdsa()) {
                                offer.add(other);
                            }
                        }
                        return offer.toArray(new ServedCertificate[0]);
                    }
                }
            }
        }
        return new ServedCertificate[] {def};
    }

    /**
     * Selects the certificates for a server name as sent in SNI. Called on an event loop for
     * every handshake: must stay fast and must never block.
     *
     * @param serverName the SNI host name, or {@code null} when the client sent none
     */
    public Selection select(String serverName) {
        if (serverName == null) {
            return noSni;
        }
        String name = HostNames.normalize(serverName);
        if (name == null) {
            return strict ? refused : unknown;
        }
        Selection s = exact.get(name);
        if (s != null) {
            return s;
        }
        int dot = name.indexOf('.');
        if (dot > 0 && dot < name.length() - 1) {
            s = wildcard.get(name.substring(dot + 1));
            if (s != null) {
                return s;
            }
        }
        return strict ? refused : unknown;
    }

    public ServedCertificate defaultCertificate() {
        return defaultCertificate;
    }

    /** Returns every certificate in the index, in configuration order. */
    public List<ServedCertificate> certificates() {
        return certificates;
    }

    /**
     * The result of a lookup: how it matched and the certificates to offer, best first.
     * Shared between handshakes; never modify the array.
     */
    public static final class Selection {
        private final SniOutcome outcome;
        private final ServedCertificate[] certificates;

        Selection(SniOutcome outcome, ServedCertificate[] certificates) {
            this.outcome = outcome;
            this.certificates = certificates;
        }

        public SniOutcome outcome() {
            return outcome;
        }

        ServedCertificate[] offered() {
            return certificates;
        }

        /** Returns the certificates offered, best first. */
        public List<ServedCertificate> certificates() {
            return List.of(certificates);
        }
    }
}
