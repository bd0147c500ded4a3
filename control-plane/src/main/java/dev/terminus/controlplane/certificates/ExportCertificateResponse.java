package dev.terminus.controlplane.certificates;

/**
 * Carries an exported certificate (PEM), its chain (PEM, issuer first) and its key as a PKCS#8
 * {@code ENCRYPTED PRIVATE KEY} block. {@link #toString()} leaves the key out.
 */
public record ExportCertificateResponse(String certificate, String certificateChain, String privateKey) {

    @Override
    public String toString() {
        return "ExportCertificateResponse[certificate=..., certificateChain=..., privateKey=(encrypted, not shown)]";
    }
}
