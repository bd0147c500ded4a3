package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.server.ControlPlane;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Re-wraps every stored key under a new key-encryption key, by opening the store directly. */
@Command(name = "rewrap", mixinStandardHelpOptions = true,
        description = {"Re-wrap every private key's data key under a new key-encryption key, in one transaction.",
                "Stop the control plane first (the embedded store allows one process). The new key replaces the",
                "kek-file atomically; with TERMINUS_KEK, give --new-kek-file and then point TERMINUS_KEK at it."})
final class RewrapCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (as for control-plane)") Path config;
    @Option(names = "--new-kek-file", paramLabel = "FILE", description = "where to write the new key (default: kek-file)")
    Path newKekFile;

    @Override
    public void run() {
        Map<String, String> environment = ((TerminusCommand) spec.root().userObject()).environment;
        String report = ControlPlane.rewrap(ControlPlaneCommand.load(config, environment), environment, newKekFile);
        spec.commandLine().getOut().println(report);
    }
}
