package dev.terminus.controlplane.cli;

import dev.terminus.controlplane.certificates.CertificateUsers;
import dev.terminus.controlplane.config.ConfigLoader;
import dev.terminus.controlplane.config.ControlPlaneConfig;
import dev.terminus.controlplane.server.ControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the control plane; {@code token create} and {@code rewrap} work on the store locally, with the server stopped. */
@Command(name = "control-plane", mixinStandardHelpOptions = true,
        description = {"Run the control plane: private CA, certificate inventory, renewal and the HTTPS API.",
                "On a first start it creates the KEK file (unless TERMINUS_KEK is set), the CA hierarchy and an admin token."},
        subcommands = {LocalTokenCommand.class, RewrapCommand.class})
final class ControlPlaneCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (env TERMINUS_CONFIG; default: " + ClientOptions.DEFAULT_CONFIG
                    + " if present, else built-in defaults)")
    Path config;

    @Option(names = "--check", description = "validate the configuration, print it, and exit")
    boolean check;

    /**
     * Returns the configuration from {@code file}, else {@code TERMINUS_CONFIG}, else the default file
     * when present, else the built-in defaults.
     */
    static ControlPlaneConfig load(Path file, Map<String, String> environment) {
        if (file == null && environment.containsKey("TERMINUS_CONFIG")) {
            file = Path.of(environment.get("TERMINUS_CONFIG"));
        }
        if (file == null && Files.exists(Path.of(ClientOptions.DEFAULT_CONFIG))) {
            file = Path.of(ClientOptions.DEFAULT_CONFIG);
        }
        return file == null ? ConfigLoader.defaults(Path.of(""), environment) : ConfigLoader.load(file, environment);
    }

    @Override
    public void run() {
        Map<String, String> environment = ((TerminusCommand) spec.root().userObject()).environment;
        ControlPlaneConfig settings = load(config, environment);
        if (check) {
            spec.commandLine().getOut().println("configuration OK: " + settings);
            return;
        }
        // The first admin token goes to stderr, not to a log file: it must be seen once and kept nowhere else.
        ControlPlane plane = ControlPlane.start(settings, environment, Clock.systemUTC(), CertificateUsers.NONE, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "shutdown"));
        spec.commandLine().getErr().println("terminus control-plane: serving " + plane.endpoint() + " (Ctrl-C stops it)");
        spec.commandLine().getErr().flush();
        spec.commandLine().setExecutionResult(TerminusCommand.SERVING);
        try {
            // Serve until the JVM is asked to stop; the shutdown hook closes the control plane.
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
