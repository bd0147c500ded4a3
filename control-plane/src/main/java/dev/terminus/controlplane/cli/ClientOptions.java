package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.config.ConfigLoader;
import dev.terminus.controlplane.config.ControlPlaneConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Holds the options every API command shares, and resolves them: each from its option, else its
 * environment variable, else the control-plane configuration ({@code --config}, {@code TERMINUS_CONFIG},
 * or {@code config/control-plane.yaml} when present), else the defaults.
 */
final class ClientOptions {

    static final String DEFAULT_CONFIG = "config/control-plane.yaml";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "API base URL (env TERMINUS_ENDPOINT; default: from the config, https://127.0.0.1:8600)")
    String endpoint;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API bearer token (env TERMINUS_TOKEN)")
    String token;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "PEM CA certificates to trust (env TERMINUS_CA_FILE; default: <data-dir>/ca-chain.pem of the config)")
    Path caFile;

    @Option(names = "--config", paramLabel = "FILE",
            description = "control-plane config to take defaults from (env TERMINUS_CONFIG; default: " + DEFAULT_CONFIG + " if present)")
    Path config;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default) or json")
    Output.Format output;

    /** Returns a client for the resolved endpoint, token and CA file; a missing token is bad usage. */
    ApiClient client() {
        Map<String, String> environment = environment();
        String resolvedToken = token != null ? token : environment.get("TERMINUS_TOKEN");
        if (resolvedToken == null || resolvedToken.isBlank()) {
            throw new TerminusCommand.UsageException("no API token (expected: --token TOKEN or the TERMINUS_TOKEN environment"
                    + " variable; the first admin token is printed at first start)");
        }
        ControlPlaneConfig settings = settings(environment);
        String url = endpoint != null ? endpoint : environment.getOrDefault("TERMINUS_ENDPOINT", settings.api().baseUrl());
        Path trust = caFile != null ? caFile
                : environment.containsKey("TERMINUS_CA_FILE") ? Path.of(environment.get("TERMINUS_CA_FILE")) : settings.caChainFile();
        return ApiClient.create(url, resolvedToken.strip(), trust);
    }

    /** Returns the output renderer for the chosen format. */
    Output output() {
        return new Output(output, out());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private ControlPlaneConfig settings(Map<String, String> environment) {
        Path file = config != null ? config
                : environment.containsKey("TERMINUS_CONFIG") ? Path.of(environment.get("TERMINUS_CONFIG")) : null;
        if (file == null && Files.exists(Path.of(DEFAULT_CONFIG))) {
            file = Path.of(DEFAULT_CONFIG);
        }
        // Clients need no KEK: an empty environment keeps the loader from weighing TERMINUS_KEK.
        return file == null ? ConfigLoader.defaults(Path.of(""), Map.of()) : ConfigLoader.load(file, Map.of());
    }

    private Map<String, String> environment() {
        return ((TerminusCommand) spec.root().userObject()).environment;
    }
}
