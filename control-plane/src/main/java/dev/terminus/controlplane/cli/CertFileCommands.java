package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Holds the certificate commands that read or write PEM files: import, re-import and export. */
final class CertFileCommands {

    private CertFileCommands() {
    }

    /** Returns the file's text; an unreadable input file is bad usage. */
    static String read(String option, Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TerminusCommand.UsageException(option + ": " + file + " (expected: a readable file; " + e.getMessage() + ")");
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import a certificate with its chain and clear private key (PEM files); prints its ARN.")
    static final class ImportCert implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--region", required = true) String region;
        @Option(names = "--certificate", required = true, paramLabel = "FILE", description = "PEM: the leaf only") Path certificate;
        @Option(names = "--chain", paramLabel = "FILE", description = "PEM: intermediates, issuer first") Path chain;
        @Option(names = "--private-key", required = true, paramLabel = "FILE", description = "PEM: unencrypted key") Path key;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "a tag (repeatable)") List<String> tags = new ArrayList<>();

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("region", region);
            body.put("certificate", read("--certificate", certificate));
            body.put("certificateChain", read("--chain", chain));
            body.put("privateKey", read("--private-key", key));
            body.put("tags", CertCommand.tags(tags));
            JsonNode answer = client.client().post("/v1/certificates/import", body);
            client.output().print(answer, () -> client.out().println(answer.path("certificateArn").asText()));
        }
    }

    @Command(name = "reimport", mixinStandardHelpOptions = true,
            description = "Re-import an IMPORTED certificate under the same ARN (same key type; bindings follow).")
    static final class ReimportCert implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN") String arn;
        @Option(names = "--certificate", required = true, paramLabel = "FILE") Path certificate;
        @Option(names = "--chain", paramLabel = "FILE") Path chain;
        @Option(names = "--private-key", required = true, paramLabel = "FILE") Path key;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("certificate", read("--certificate", certificate));
            body.put("certificateChain", read("--chain", chain));
            body.put("privateKey", read("--private-key", key));
            JsonNode answer = client.client().post(CertCommand.path(arn) + "/reimport", body);
            client.output().print(answer, () -> client.out().println(answer.path("certificateArn").asText()));
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Export a PRIVATE certificate, its chain and its key encrypted under a passphrase (admin).",
                    "Prints the PEM blocks, or writes certificate.pem, chain.pem and private-key.pem (0600) with --out-dir."})
    static final class Export implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN") String arn;
        @Option(names = "--passphrase-file", required = true, paramLabel = "FILE",
                description = "file whose first line is the passphrase (4 to 128 characters)") Path passphraseFile;
        @Option(names = "--out-dir", paramLabel = "DIR") Path outDir;

        @Override
        public void run() {
            String passphrase = read("--passphrase-file", passphraseFile).lines().findFirst().orElse("");
            JsonNode answer = client.client().post(CertCommand.path(arn) + "/export", Map.of("passphrase", passphrase));
            if (outDir != null) {
                write(outDir.resolve("certificate.pem"), answer.path("certificate").asText());
                write(outDir.resolve("chain.pem"), answer.path("certificateChain").asText());
                write(outDir.resolve("private-key.pem"), answer.path("privateKey").asText());
            }
            client.output().print(answer, () -> {
                if (outDir == null) {
                    client.out().print(answer.path("certificate").asText());
                    client.out().print(answer.path("certificateChain").asText());
                    client.out().print(answer.path("privateKey").asText());
                } else {
                    client.out().println("wrote certificate.pem, chain.pem and private-key.pem (encrypted) to " + outDir);
                }
            });
        }

        private static void write(Path file, String content) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.deleteIfExists(file);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                }
                Files.writeString(file, content, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
