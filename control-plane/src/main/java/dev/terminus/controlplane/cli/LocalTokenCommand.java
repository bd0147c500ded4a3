package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.config.ControlPlaneConfig;
import dev.terminus.controlplane.server.ControlPlane;
import dev.terminus.controlplane.store.Store;
import dev.terminus.controlplane.tokens.ApiTokens;
import dev.terminus.controlplane.tokens.Role;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates an API token by opening the store directly (no HTTP): the way in when no admin token is at hand. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens locally, in the store.",
        subcommands = LocalTokenCommand.Create.class)
final class LocalTokenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see control-plane token --help)");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a token in the store and print it once.",
                    "Opens the data directory itself: stop the control plane first (the embedded store allows one process)."})
    static final class Create implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--role", required = true, description = "reader, operator or admin") String role;
        @Option(names = "--description", defaultValue = "created by the local command") String description;
        @Option(names = "--config", paramLabel = "FILE", description = "configuration file (as for control-plane)") Path config;

        @Override
        public void run() {
            Role parsed;
            try {
                parsed = Role.parse("--role", role);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            Map<String, String> environment = ((TerminusCommand) spec.root().userObject()).environment;
            ControlPlaneConfig settings = ControlPlaneCommand.load(config, environment);
            try (Store store = ControlPlane.openExistingStore(settings, environment)) {
                ApiTokens.Created created = new ApiTokens(store.apiTokens(), Clock.systemUTC()).create(parsed, description,
                        ApiTokens.LOCAL);
                spec.commandLine().getOut().println(created.token());
                spec.commandLine().getErr().println("(token " + created.record().id() + ", role " + parsed.wireName()
                        + "; it will not be shown again)");
            }
        }
    }
}
