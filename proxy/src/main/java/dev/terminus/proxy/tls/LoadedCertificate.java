package dev.terminus.proxy.tls;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Holds a parsed and checked certificate chain with its key, before the TLS provider turns it
 * into key material. Short-lived: built while a snapshot is assembled, then dropped, so that
 * 100,000 certificates do not keep 100,000 parsed Java certificates on the heap.
 *
 * @param name        the configuration name of the certificate
 * @param chain       leaf first; with BoringSSL these wrap the DER and are never parsed in Java
 * @param key         the leaf's private key; with BoringSSL its PKCS#8 bytes only
 * @param source      where the chain came from, for the inventory and error messages
 * @param keySource   where the key came from, for error messages
 * @param names       the DNS names it answers for, normalised; may hold wildcards
 * @param keyType     ACM-style key algorithm name, e.g. {@code EC_prime256v1}, {@code RSA_2048}
 * @param fingerprint SHA-256 over the chain and key bytes; equal fingerprints mean the same
 *                    material, so a reload can keep the key material it already built
 * @param serial      the leaf's serial number
 * @param notBefore   start of the leaf's validity
 * @param notAfter    end of the leaf's validity
 * @param chainDer    the chain's DER as read, leaf first, handed to BoringSSL without a copy; {@code null}
 *                    when the chain came as JDK certificates
 */
public record LoadedCertificate(String name, X509Certificate[] chain, PrivateKey key, String source, String keySource,
                                List<String> names, String keyType, String fingerprint, BigInteger serial,
                                Instant notBefore, Instant notAfter, byte[][] chainDer) {

    /** A certificate whose chain is JDK certificates only (no DER kept aside). */
    public LoadedCertificate(String name, X509Certificate[] chain, PrivateKey key, String source, String keySource,
                             List<String> names, String keyType, String fingerprint, BigInteger serial,
                             Instant notBefore, Instant notAfter) {
        this(name, chain, key, source, keySource, names, keyType, fingerprint, serial, notBefore, notAfter, null);
    }

    public boolean isEcdsa() {
        return keyType.startsWith("EC_");
    }

    /** Returns the serial in lower-case hex without leading zeros, as {@code BigInteger.toString(16)} does. */
    public String serialHex() {
        if (serial.signum() <= 0) {
            return serial.toString(16); // not a conforming serial (RFC 5280 4.1.2.2); rare, so the slow way
        }
        // BigInteger.toString(16) divides; serials are read by the 100,000 at load, so format the bytes.
        String hex = java.util.HexFormat.of().formatHex(serial.toByteArray());
        int i = 0;
        while (i < hex.length() - 1 && hex.charAt(i) == '0') {
            i++;
        }
        return i == 0 ? hex : hex.substring(i);
    }
}
