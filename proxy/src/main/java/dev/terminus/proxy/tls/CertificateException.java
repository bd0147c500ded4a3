package dev.terminus.proxy.tls;

/**
 * Reports a certificate or key that cannot be served. The message names the file and what is
 * wrong with it.
 */
public final class CertificateException extends Exception {
    public CertificateException(String message) {
        super(message);
    }

    public CertificateException(String message, Throwable cause) {
        super(message, cause);
    }
}
