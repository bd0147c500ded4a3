package dev.terminus.proxy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.terminus.proxy.http.RequestIds;
import dev.terminus.proxy.tls.SecurityPolicy;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the proxy's YAML configuration into an immutable {@link ProxyConfig}: parse, apply
 * defaults, validate once. Every refusal names the file, the key and what was expected.
 * Certificate files are only resolved here; reading and checking them is the TLS layer's job.
 */
public final class ConfigLoader {
    /** Large enough for 100,000 certificates in one file (about 10 MB), small enough to refuse junk. */
    static final int MAX_CONFIG_CHARS = 64 * 1024 * 1024;
    private static final ObjectMapper YAML = new ObjectMapper(yamlFactory());

    private static YAMLFactory yamlFactory() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CONFIG_CHARS);
        return YAMLFactory.builder().loaderOptions(options).build();
    }

    private ConfigLoader() {
    }

    /** Loads and validates the file; throws with one clear message if anything is wrong. */
    public static ProxyConfig load(Path file) throws ConfigException {
        String name = file.toString();
        JsonNode root;
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_CHARS) {
                throw new ConfigException(name + ": " + size + " bytes (expected: at most " + MAX_CONFIG_CHARS + ")");
            }
            root = YAML.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(name + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw new ConfigException(name + ": cannot read: " + describe(e));
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            throw new ConfigException(name + ": empty (expected: a mapping with 'listeners')");
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(new YamlNode(name, "", root), base, file);
    }

    static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> e.getMessage() == null ? type : e.getMessage();
        };
    }

    private static ProxyConfig parse(YamlNode root, Path base, Path source) throws ConfigException {
        root.onlyKeys(Set.of("admin", "listeners", "target-groups", "limits", "request-id", "access-log"));
        Map<String, TargetGroupConfig> groups = TargetGroupLoader.load(root, base);
        ActionLoader actions = new ActionLoader(groups);

        ProxyConfig.Admin admin = new ProxyConfig.Admin(ProxyConfig.Admin.DEFAULT_ADDRESS,
                ProxyConfig.Admin.DEFAULT_PORT);
        YamlNode a = root.object("admin");
        if (a != null) {
            a.onlyKeys(Set.of("address", "port"));
            admin = new ProxyConfig.Admin(a.string("address", ProxyConfig.Admin.DEFAULT_ADDRESS),
                    a.integer("port", ProxyConfig.Admin.DEFAULT_PORT, 0, 65_535));
        }

        ProxyConfig.Limits limits = LimitsLoader.limits(root);
        RequestIds requestId = LimitsLoader.requestId(root);

        List<YamlNode> ls = root.list("listeners");
        if (ls.isEmpty()) {
            throw root.error("listeners: missing or empty (expected: at least one listener)");
        }
        List<ProxyConfig.Listener> listeners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> endpoints = new HashSet<>();
        for (YamlNode n : ls) {
            ProxyConfig.Listener listener = listener(n, base, actions);
            if (!names.add(listener.name())) {
                throw n.error("name", "'" + listener.name() + "'", "a name no other listener has");
            }
            if (listener.port() != 0 && !endpoints.add(listener.address() + ":" + listener.port())) {
                throw n.error("port", listener.port(), "an address:port no other listener uses");
            }
            listeners.add(listener);
        }
        return new ProxyConfig(source, admin, listeners, new ArrayList<>(groups.values()), limits, requestId,
                AccessLogLoader.load(root, base));
    }

    private static ProxyConfig.Listener listener(YamlNode n, Path base, ActionLoader actions) throws ConfigException {
        n.onlyKeys(Set.of("name", "address", "port", "protocol", "policy", "strict-sni", "session-resumption",
                "default-certificate", "certificates", "certificate-directories", "rules", "default-action", "action"));
        String name = n.requiredString("name");
        String address = n.string("address", ProxyConfig.Listener.DEFAULT_ADDRESS);
        int port = n.requiredInteger("port", 0, 65_535);
        String protocol = n.string("protocol", "HTTPS");
        if (!protocol.equals("HTTPS") && !protocol.equals("HTTP")) {
            throw n.error("protocol", "'" + protocol + "'", "HTTPS (TLS, the default) or HTTP (plain text)");
        }
        if (n.has("action") && n.has("default-action")) {
            throw n.error("action: set together with default-action (expected: one of them; action is the older "
                    + "name of default-action)");
        }
        String actionKey = n.has("action") ? "action" : "default-action";
        List<ProxyConfig.Rule> rules = actions.rules(n);
        ActionSpec defaultAction = actions.action(n, actionKey);
        if (protocol.equals("HTTP")) {
            for (String tlsKey : List.of("policy", "strict-sni", "session-resumption", "default-certificate",
                    "certificates", "certificate-directories")) {
                if (n.has(tlsKey)) {
                    throw n.error(tlsKey + ": not used by a plain HTTP listener (expected: protocol: HTTPS, or no "
                            + tlsKey + ")");
                }
            }
            return new ProxyConfig.Listener(name, address, port, false, SecurityPolicy.DEFAULT.policyName(), false,
                    false, null, List.of(), rules, defaultAction);
        }
        String policy = n.string("policy", SecurityPolicy.DEFAULT.policyName());
        if (SecurityPolicy.byName(policy) == null) {
            throw n.error("policy", "'" + policy + "'", "one of " + SecurityPolicy.names());
        }
        boolean strict = n.bool("strict-sni", false);
        boolean resumption = n.bool("session-resumption", true);

        List<ProxyConfig.Certificate> certs = new ArrayList<>();
        Set<String> certNames = new HashSet<>();
        for (YamlNode c : n.list("certificates")) {
            c.onlyKeys(Set.of("name", "chain", "key"));
            String chain = c.requiredString("chain");
            String certName = c.string("name", stripExtension(Path.of(chain).getFileName().toString()));
            if (!certNames.add(certName)) {
                throw c.error("name", "'" + certName + "'", "a name no other certificate of this listener has");
            }
            certs.add(new ProxyConfig.Certificate(certName, base.resolve(chain).normalize(),
                    base.resolve(c.requiredString("key")).normalize()));
        }
        for (YamlNode d : n.list("certificate-directories")) {
            CertificateDirectory.scan(d, base, certs, certNames);
        }
        if (certs.isEmpty()) {
            throw n.error("certificates: missing or empty (expected: at least one chain and key, in certificates "
                    + "or certificate-directories)");
        }
        String def = n.string("default-certificate", certs.get(0).name());
        if (!certNames.contains(def)) {
            throw n.error("default-certificate", "'" + def + "'", "the name of one of this listener's certificates "
                    + certNames);
        }
        return new ProxyConfig.Listener(name, address, port, true, policy, strict, resumption, def, certs, rules,
                defaultAction);
    }

    private static String stripExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
