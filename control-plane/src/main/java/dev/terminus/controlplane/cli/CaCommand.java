package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.api.Json;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Groups the private CA commands. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Read the private CA (through the API).",
        subcommands = CaCommand.Chain.class)
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
}
