package dev.terminus.proxy.tls;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Names a TLS security policy the way Elastic Load Balancing does, and says what it allows:
 * protocol versions, TLS 1.2 cipher suites and key-exchange groups in preference order.
 *
 * <p>TLS 1.3 suites are not listed: BoringSSL always enables its three (AES-128-GCM,
 * AES-256-GCM, ChaCha20-Poly1305) and offers no switch, and all three are forward-secret AEADs.
 * Groups put X25519 first except in the post-quantum policy: the X25519MLKEM768 hybrid costs
 * more CPU and ~1.1 KB more per handshake, so it is opt-in, as ALB does with its PQ policies.
 */
public enum SecurityPolicy {
    /** TLS 1.2 and 1.3; forward-secret AEAD suites only. The default. */
    TLS13_1_2_2021_06("TLS13-1-2-2021-06", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            List.of("X25519", "P-256", "P-384")),
    /** TLS 1.3 only. */
    TLS13_1_3_2021_06("TLS13-1-3-2021-06", List.of("TLSv1.3"), List.of(),
            List.of("X25519", "P-256", "P-384")),
    /** TLS 1.2 restricted to ECDHE with AES-GCM, and TLS 1.3. */
    TLS13_1_2_RES_2021_06("TLS13-1-2-Res-2021-06", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            List.of("X25519", "P-256", "P-384")),
    /** As {@link #TLS13_1_2_RES_2021_06}, preferring the X25519MLKEM768 hybrid key exchange. */
    TLS13_1_2_RES_PQ_2025_09("TLS13-1-2-Res-PQ-2025-09", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            List.of("X25519MLKEM768", "X25519", "P-256", "P-384"));

    public static final SecurityPolicy DEFAULT = TLS13_1_2_2021_06;

    /** The three TLS 1.3 suites, listed so that the JDK provider enables exactly these too. */
    static final List<String> TLS13_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private final String policyName;
    private final List<String> protocols;
    private final List<String> tls12Ciphers;
    private final List<String> groups;

    SecurityPolicy(String policyName, List<String> protocols, List<String> tls12Ciphers, List<String> groups) {
        this.policyName = policyName;
        this.protocols = protocols;
        this.tls12Ciphers = tls12Ciphers;
        this.groups = groups;
    }

    /** Returns the policy's ELB-style name, as written in configuration. */
    public String policyName() {
        return policyName;
    }

    public List<String> protocols() {
        return protocols;
    }

    public List<String> tls12Ciphers() {
        return tls12Ciphers;
    }

    public List<String> groups() {
        return groups;
    }

    /** Returns every suite to enable: the TLS 1.3 suites, then the policy's TLS 1.2 suites. */
    List<String> allCiphers() {
        List<String> all = new java.util.ArrayList<>(TLS13_SUITES);
        all.addAll(tls12Ciphers);
        return all;
    }

    /** Returns the policy with this name, or {@code null}. Names are matched exactly. */
    public static SecurityPolicy byName(String name) {
        for (SecurityPolicy p : values()) {
            if (p.policyName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** Returns the known names, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(SecurityPolicy::policyName).collect(Collectors.joining(", "));
    }
}
