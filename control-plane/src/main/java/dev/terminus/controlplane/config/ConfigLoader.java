package dev.terminus.controlplane.config;

import dev.terminus.controlplane.webhooks.WebhookTarget;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terminus.controlplane.ca.CaConfig;
import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.store.Kek;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads {@code control-plane.yaml} into a {@link ControlPlaneConfig}: parse, refuse unknown keys,
 * apply defaults, validate once. Relative paths resolve against the file's directory (against the
 * working directory when there is no file). Every refusal names the file and the key.
 */
public final class ConfigLoader {

    private static final Set<String> TOP_KEYS = Set.of("events", "data-dir", "kek-file", "api", "account", "regions", "global-region",
            "renewal", "ca");
    private static final Set<String> API_KEYS = Set.of("address", "port");
    private static final Set<String> RENEWAL_KEYS = Set.of("window", "check-interval");
    private static final Set<String> CA_KEYS = Set.of("revocation-base-url");
    private static final Set<String> EVENTS_KEYS = Set.of("webhooks", "delivery-interval");
    private static final Set<String> WEBHOOK_KEYS = Set.of("id", "url", "secret", "start-at");
    static final Duration DEFAULT_WEBHOOK_INTERVAL = Duration.ofSeconds(5);
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final int MAX_FILE_BYTES = 1024 * 1024;

    private ConfigLoader() {
    }

    /** Loads {@code file}; {@code environment} decides between the KEK file and {@code TERMINUS_KEK}. */
    public static ControlPlaneConfig load(Path file, Map<String, String> environment) {
        String name = file.toString();
        JsonNode root;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigException(name + ": larger than " + MAX_FILE_BYTES + " bytes (expected: a configuration file)");
            }
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(name + ": no such file (expected: a control-plane YAML file, e.g. config/control-plane.yaml)");
        } catch (JsonProcessingException e) {
            throw new ConfigException(name + ": not valid YAML (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read (" + e + ")", e);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = new ObjectMapper().createObjectNode();
        }
        if (!root.isObject()) {
            throw new ConfigException(name + ": a " + root.getNodeType() + " at the top (expected: a mapping of settings)");
        }
        Path base = file.toAbsolutePath().getParent();
        return build(new YamlNode(name, "", root), base, file.toAbsolutePath(), environment);
    }

    /** Returns the defaults, paths relative to {@code workingDir}. */
    public static ControlPlaneConfig defaults(Path workingDir, Map<String, String> environment) {
        return build(new YamlNode("(defaults)", "", new ObjectMapper().createObjectNode()), workingDir.toAbsolutePath(), null,
                environment);
    }

    private static ControlPlaneConfig build(YamlNode root, Path base, Path source, Map<String, String> environment) {
        root.onlyKeys(TOP_KEYS);
        Path dataDir = base.resolve(root.text("data-dir", ControlPlaneConfig.DEFAULT_DATA_DIR)).normalize();
        String kekText = root.text("kek-file", null);
        boolean fromEnvironment = environment.get(Kek.ENVIRONMENT_VARIABLE) != null;
        if (kekText != null && fromEnvironment) {
            throw root.error("kek-file", kekText, "either kek-file or the " + Kek.ENVIRONMENT_VARIABLE
                    + " environment variable, not both");
        }
        Path kekFile = kekText != null ? base.resolve(kekText).normalize() : fromEnvironment ? null : dataDir.resolve("kek");

        YamlNode apiNode = object(root, "api", API_KEYS);
        String address = apiNode == null ? ControlPlaneConfig.DEFAULT_ADDRESS
                : apiNode.text("address", ControlPlaneConfig.DEFAULT_ADDRESS);
        int port = apiNode == null ? ControlPlaneConfig.DEFAULT_PORT
                : apiNode.integer("port", ControlPlaneConfig.DEFAULT_PORT, 0, 65535);
        ControlPlaneConfig.Api api = new ControlPlaneConfig.Api(address, port);

        String account = root.text("account", ControlPlaneConfig.DEFAULT_ACCOUNT);
        if (!ACCOUNT.matcher(account).matches()) {
            throw root.error("account", account, "12 digits in quotes, e.g. \"000000000000\"");
        }
        List<String> regions = regions(root);
        String globalRegion = root.text("global-region", ControlPlaneConfig.DEFAULT_GLOBAL_REGION);
        if (!regions.contains(globalRegion)) {
            throw root.error("global-region", globalRegion, "one of regions " + regions);
        }

        YamlNode renewal = object(root, "renewal", RENEWAL_KEYS);
        Duration window = renewal == null ? ControlPlaneConfig.DEFAULT_RENEWAL_WINDOW
                : renewal.duration("window", ControlPlaneConfig.DEFAULT_RENEWAL_WINDOW);
        if (window.compareTo(Duration.ofDays(395)) >= 0) {
            throw renewal.error("window", window.toDays() + "d", "less than the 395-day validity of issued certificates");
        }
        Duration check = renewal == null ? ControlPlaneConfig.DEFAULT_RENEWAL_CHECK_INTERVAL
                : renewal.duration("check-interval", ControlPlaneConfig.DEFAULT_RENEWAL_CHECK_INTERVAL);

        YamlNode ca = object(root, "ca", CA_KEYS);
        // The revocation endpoints (/crl, /ocsp) are served by the API server itself by default.
        String revocation = ca == null ? api.baseUrl() : ca.text("revocation-base-url", api.baseUrl());
        URI revocationBaseUrl;
        try {
            revocationBaseUrl = CaConfig.of(revocation).revocationBaseUrl();
        } catch (CaException e) {
            throw (ca == null ? root : ca).error(ca == null ? "ca.revocation-base-url" : "revocation-base-url", revocation,
                    "an absolute http or https URL with a host and no query, e.g. https://127.0.0.1:8600");
        }
        YamlNode events = object(root, "events", EVENTS_KEYS);
        List<WebhookTarget> webhooks = events == null ? List.of() : webhooks(events);
        Duration interval = events == null ? DEFAULT_WEBHOOK_INTERVAL
                : events.duration("delivery-interval", DEFAULT_WEBHOOK_INTERVAL);
        return new ControlPlaneConfig(source, dataDir, kekFile, api, account, regions, globalRegion,
                window, check, revocationBaseUrl, webhooks, interval);
    }

    /** Reads {@code events.webhooks}: each an id, a URL, an optional HMAC secret and where to start. */
    private static List<WebhookTarget> webhooks(YamlNode events) {
        List<WebhookTarget> out = new java.util.ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (YamlNode w : events.objects("webhooks")) {
            w.onlyKeys(WEBHOOK_KEYS);
            String id = w.text("id", null);
            String url = w.text("url", null);
            if (id == null || url == null) {
                throw w.error(id == null ? "id" : "url", "(missing)", "an id and an http(s) URL for every webhook");
            }
            if (!ids.add(id)) {
                throw w.error("id", id, "an id no other webhook has");
            }
            String startAt = w.text("start-at", "LATEST");
            WebhookTarget target;
            try {
                target = WebhookTarget.of(id, URI.create(url)).withStartAt(WebhookTarget.StartAt.valueOf(startAt));
                String secret = w.text("secret", null);
                if (secret != null) {
                    target = target.withSecret(secret);
                }
            } catch (IllegalArgumentException e) {
                throw w.error("url", url, "an absolute http or https URL, and start-at EARLIEST or LATEST (" + e.getMessage()
                        + ")");
            }
            out.add(target);
        }
        return out;
    }

    private static List<String> regions(YamlNode root) {
        List<String> regions = root.strings("regions", ControlPlaneConfig.DEFAULT_REGIONS);
        Set<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < regions.size(); i++) {
            String region = regions.get(i);
            if (region.length() > 32 || !REGION.matcher(region).matches()) {
                throw root.error("regions[" + i + "]", region, "a region name such as us-east-1");
            }
            if (!unique.add(region)) {
                throw root.error("regions[" + i + "]", region, "each region once");
            }
        }
        return List.copyOf(unique);
    }

    private static YamlNode object(YamlNode parent, String key, Set<String> keys) {
        YamlNode node = parent.object(key);
        if (node != null) {
            node.onlyKeys(keys);
        }
        return node;
    }
}
