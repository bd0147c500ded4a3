package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.api.Json;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Groups the private CA commands. */
@Command(name = "ca", mixinStandardHelpOptions = true,
        description = "Create and read the private CA: a root, and one subordinate per region.",
        subcommands = {CaCommand.Chain.class, CaCommand.CreateRoot.class, CaCommand.CreateSubordinate.class})
final class CaCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see ca --help)");
    }

    @Command(name = "chain", mixinStandardHelpOptions = true,
            description = "Print a region's CA chain as PEM (subordinate, then root), for clients and origins to trust.")
    static final class Chain implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--region", required = true) String region;

        @Override
        public void run() {
            String pem = client.client().getText("/v1/ca/" + ApiClient.encode(region) + "/chain");
            client.output().print(Json.mapper().valueToTree(Map.of("region", region, "chain", pem)), () -> client.out().print(pem));
        }
    }

    @Command(name = "create-root", mixinStandardHelpOptions = true,
            description = {"Create the root CA (10 years) and the configured regions' subordinates, before the first start.",
                    "Opens the data directory itself: the control plane must be stopped. Without this command the first",
                    "start creates an EC_secp384r1 root named 'Terminus Root CA'."})
    static final class CreateRoot implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--key-algorithm", defaultValue = "EC_secp384r1",
                description = "EC_secp384r1 or RSA_4096 (default: ${DEFAULT-VALUE})") String keyAlgorithm;
        @Option(names = "--common-name", defaultValue = "Terminus Root CA",
                description = "the root's CN (default: ${DEFAULT-VALUE})") String commonName;
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file (as for control-plane)")
        java.nio.file.Path config;

        @Override
        public void run() {
            dev.terminus.controlplane.ca.KeyAlgorithm algorithm;
            try {
                algorithm = dev.terminus.controlplane.ca.KeyAlgorithm.parse(keyAlgorithm);
            } catch (RuntimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--key-algorithm: " + keyAlgorithm
                        + " (expected: EC_secp384r1 or RSA_4096)");
            }
            Map<String, String> environment = ((TerminusCommand) spec.root().userObject()).environment;
            var settings = ControlPlaneCommand.load(config, environment);
            var created = dev.terminus.controlplane.server.ControlPlane.createRoot(settings, environment,
                    java.time.Clock.systemUTC(), dev.terminus.controlplane.ca.CreateRootRequest.of(commonName)
                            .withKeyAlgorithm(algorithm));
            spec.commandLine().getOut().println("created root " + created.certificate().getSubjectX500Principal().getName()
                    + " (" + algorithm + ", until " + created.certificate().getNotAfter().toInstant() + ") and "
                    + "subordinates for " + settings.regions());
        }
    }

    @Command(name = "create-subordinate", mixinStandardHelpOptions = true,
            description = "Create a region's subordinate CA (5 years, path length 0), signed by the root (through the API).")
    static final class CreateSubordinate implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--region", required = true) String region;

        @Override
        public void run() {
            var answer = client.client().post("/v1/ca/" + ApiClient.encode(region), Map.of());
            client.output().print(answer, () -> client.out().println("created subordinate CA for " + region));
        }
    }
}
