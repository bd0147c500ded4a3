package dev.terminus.controlplane.config;

import dev.terminus.controlplane.webhooks.WebhookTarget;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Holds the control plane's settings, defaults applied and validated once by {@link ConfigLoader}.
 * Paths are absolute. {@code kekFile} is null when the key-encryption key comes from
 * {@code TERMINUS_KEK}.
 *
 * @param source the YAML file read, or null when running on defaults
 * @param dataDir where the store, the KEK file (by default) and {@code ca-chain.pem} live
 * @param kekFile the KEK file, or null to read {@code TERMINUS_KEK}
 * @param api where the HTTPS API listens
 * @param account the 12-digit account id in ARNs
 * @param regions the regions that get a subordinate CA; includes {@code globalRegion}
 * @param globalRegion the region of distributions' certificates and of the API's own certificate
 * @param renewalWindow managed renewal starts this long before expiry (ACM: 60 days)
 * @param renewalCheckInterval how often the renewal scheduler makes a pass
 * @param revocationBaseUrl the base of the CRL and OCSP URLs written into issued certificates
 */
public record ControlPlaneConfig(Path source, Path dataDir, Path kekFile, Api api, String account,
        List<String> regions, String globalRegion, Duration renewalWindow, Duration renewalCheckInterval,
        URI revocationBaseUrl, List<WebhookTarget> webhooks, Duration webhookInterval) {

    public static final String DEFAULT_DATA_DIR = "data/control-plane";
    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8600;
    public static final String DEFAULT_ACCOUNT = "000000000000";
    public static final List<String> DEFAULT_REGIONS = List.of("us-east-1", "eu-west-1");
    public static final String DEFAULT_GLOBAL_REGION = "us-east-1";
    /** ACM renews managed certificates 60 days before expiry. */
    public static final Duration DEFAULT_RENEWAL_WINDOW = Duration.ofDays(60);
    public static final Duration DEFAULT_RENEWAL_CHECK_INTERVAL = Duration.ofHours(1);
    /** The file, under the data directory, that clients trust: the global region's subordinate, then the root. */
    public static final String CA_CHAIN_FILE = "ca-chain.pem";

    /** Holds the API listener: interface and port (0 picks a free port, for tests). */
    public record Api(String address, int port) {
        /** Refuses a null address. */
        public Api {
            Objects.requireNonNull(address, "address");
        }

        /** Returns the base URL clients use, e.g. {@code https://127.0.0.1:8600}. */
        public String baseUrl() {
            String host = address.contains(":") ? "[" + address + "]" : address;
            return "https://" + host + ":" + port;
        }
    }

    /** Copies the region list. */
    public ControlPlaneConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(api, "api");
        regions = List.copyOf(regions);
        webhooks = List.copyOf(webhooks);
    }

    /** Returns {@code <dataDir>/ca-chain.pem}. */
    public Path caChainFile() {
        return dataDir.resolve(CA_CHAIN_FILE);
    }

    /** Returns a copy listening on {@code port}, e.g. 0 in tests. */
    public ControlPlaneConfig withPort(int port) {
        return new ControlPlaneConfig(source, dataDir, kekFile, new Api(api.address(), port), account, regions,
                globalRegion, renewalWindow, renewalCheckInterval, revocationBaseUrl, webhooks, webhookInterval);
    }

    /** Returns a copy that delivers events to {@code targets} every {@code interval} (tests). */
    public ControlPlaneConfig withWebhooks(List<WebhookTarget> targets, Duration interval) {
        return new ControlPlaneConfig(source, dataDir, kekFile, api, account, regions, globalRegion, renewalWindow,
                renewalCheckInterval, revocationBaseUrl, targets, interval);
    }
}
