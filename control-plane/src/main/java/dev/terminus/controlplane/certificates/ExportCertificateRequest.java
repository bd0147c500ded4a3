package dev.terminus.controlplane.certificates;

import java.util.Arrays;

/**
 * Exports a PRIVATE certificate with its chain and its key encrypted under {@code passphrase}
 * (ACM's {@code ExportCertificate}: 4 to 128 characters). {@link #toString()} hides the passphrase.
 */
public record ExportCertificateRequest(String certificateArn, char[] passphrase) {

    /** Validates the ARN and copies the passphrase; its length is checked by the export. */
    public ExportCertificateRequest {
        CertificateArn.parse("certificateArn", certificateArn);
        if (passphrase == null) {
            throw CertificateException.invalid("passphrase", null, "4 to 128 characters");
        }
        passphrase = passphrase.clone();
    }

    @Override
    public char[] passphrase() {
        return passphrase.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExportCertificateRequest that && certificateArn.equals(that.certificateArn)
                && Arrays.equals(passphrase, that.passphrase);
    }

    @Override
    public int hashCode() {
        return certificateArn.hashCode();
    }

    @Override
    public String toString() {
        return "ExportCertificateRequest[certificateArn=" + certificateArn + ", passphrase=(hidden)]";
    }
}
