package dev.terminus.controlplane.ca;

import java.net.URI;
import java.util.Objects;

/**
 * Holds the private CA's settings. {@code revocationBaseUrl} is where the control plane publishes
 * revocation data: certificates issued in region R point to {@code <base>/crl/R.crl} (CRL
 * distribution point) and {@code <base>/ocsp/R} (OCSP responder in the AIA extension).
 */
public record CaConfig(URI revocationBaseUrl) {

    /** Validates the base URL: absolute http(s), with a host, and no query or fragment. */
    public CaConfig {
        Objects.requireNonNull(revocationBaseUrl, "revocationBaseUrl");
        String scheme = revocationBaseUrl.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme))
                || revocationBaseUrl.getHost() == null
                || revocationBaseUrl.getRawQuery() != null
                || revocationBaseUrl.getRawFragment() != null) {
            throw CaException.invalid("revocationBaseUrl", revocationBaseUrl.toString(),
                    "an absolute http or https URL with a host and no query or fragment, e.g. http://127.0.0.1:8080");
        }
    }

    /** Parses {@code url} and validates it as {@link #CaConfig(URI)} does. */
    public static CaConfig of(String url) {
        try {
            return new CaConfig(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw CaException.invalid("revocationBaseUrl", url, "a URL (" + e.getMessage() + ")");
        }
    }

    /** Returns the CRL distribution point URL for {@code region}. */
    public String crlUrl(String region) {
        return base() + "/crl/" + region + ".crl";
    }

    /** Returns the OCSP responder URL for {@code region}. */
    public String ocspUrl(String region) {
        return base() + "/ocsp/" + region;
    }

    private String base() {
        String base = revocationBaseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }
}
