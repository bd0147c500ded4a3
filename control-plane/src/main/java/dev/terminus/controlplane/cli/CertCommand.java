package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Groups the certificate commands; each calls the API. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Request, import, describe, list, export, tag and delete certificates (through the API).",
        subcommands = {CertCommand.RequestCert.class, CertCommand.Revoke.class, CertFileCommands.ImportCert.class, CertFileCommands.ReimportCert.class,
                CertCommand.Describe.class, CertCommand.ListCerts.class, CertFileCommands.Export.class, CertCommand.Delete.class,
                CertTagCommands.Tag.class, CertTagCommands.Untag.class, CertTagCommands.Tags.class})
final class CertCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see cert --help)");
    }

    /** Returns the API path of one certificate, its ARN percent-encoded (':' and '/' included). */
    static String path(String arn) {
        return "/v1/certificates/" + ApiClient.encode(arn);
    }

    /** Returns {@code k=v} pairs as a map; refuses a pair without '=' as bad usage. */
    static Map<String, String> tags(List<String> pairs) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String pair : pairs) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new TerminusCommand.UsageException("tag: \"" + pair + "\" (expected: key=value)");
            }
            tags.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return tags;
    }

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = "Issue a PRIVATE certificate from the region's subordinate CA; prints its ARN.")
    static final class RequestCert implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--region", required = true, description = "region whose subordinate CA signs it") String region;
        @Option(names = "--domain-name", required = true, description = "the main name, also the subject CN") String domainName;
        @Option(names = "--san", paramLabel = "NAME", description = "another DNS name (repeatable; wildcards allowed)")
        List<String> sans = new ArrayList<>();
        @Option(names = "--key-algorithm", description = "RSA_2048 (default), RSA_3072, RSA_4096, EC_prime256v1, EC_secp384r1")
        String keyAlgorithm;
        @Option(names = "--validity-days", description = "default 395") Integer validityDays;
        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "a tag (repeatable)") List<String> tags = new ArrayList<>();

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("region", region);
            body.put("domainName", domainName);
            body.put("subjectAlternativeNames", sans);
            body.put("keyAlgorithm", keyAlgorithm);
            body.put("validityDays", validityDays);
            body.put("tags", CertCommand.tags(tags));
            JsonNode answer = client.client().post("/v1/certificates", body);
            client.output().print(answer, () -> client.out().println(answer.path("certificateArn").asText()));
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Show one certificate.")
    static final class Describe implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN", description = "the certificate's ARN") String arn;

        @Override
        public void run() {
            JsonNode answer = client.client().get(path(arn));
            client.output().print(answer, () -> client.output().fields(answer.path("certificate")));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List certificates matching every given filter.")
    static final class ListCerts implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--region") String region;
        @Option(names = "--status", description = "ISSUED, EXPIRED, ... (repeatable)") List<String> statuses = new ArrayList<>();
        @Option(names = "--type", description = "PRIVATE or IMPORTED (repeatable)") List<String> types = new ArrayList<>();
        @Option(names = "--key-algorithm", description = "e.g. EC_prime256v1 (repeatable)") List<String> keyAlgorithms = new ArrayList<>();
        @Option(names = "--expiring-within-days", paramLabel = "DAYS") Integer expiringWithinDays;
        @Option(names = "--max-items", description = "page size, 1-1000 (default 100)") Integer maxItems;
        @Option(names = "--next-token", description = "the previous page's next token") String nextToken;

        @Override
        public void run() {
            List<String> query = new ArrayList<>();
            add(query, "region", region);
            statuses.forEach(s -> add(query, "status", s));
            types.forEach(t -> add(query, "type", t));
            keyAlgorithms.forEach(k -> add(query, "keyAlgorithm", k));
            add(query, "expiringWithinDays", expiringWithinDays);
            add(query, "maxItems", maxItems);
            add(query, "nextToken", nextToken);
            JsonNode answer = client.client().get("/v1/certificates" + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            client.output().print(answer, () -> {
                client.output().table(List.of("ARN", "DOMAIN", "TYPE", "STATUS", "KEY", "NOT AFTER", "IN USE"),
                        answer.path("certificates"), c -> List.of(c.path("certificateArn").asText(), c.path("domainName").asText(),
                                c.path("type").asText(), c.path("status").asText(), c.path("keyAlgorithm").asText(),
                                c.path("notAfter").asText(), c.path("inUseBy").isEmpty() ? "no" : "yes"));
                if (answer.hasNonNull("nextToken")) {
                    client.out().println("more: --next-token " + answer.path("nextToken").asText());
                }
            });
        }

        private static void add(List<String> query, String name, Object value) {
            if (value != null) {
                query.add(name + "=" + ApiClient.encode(value.toString()));
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a certificate and its key (refused while a resource uses it).")
    static final class Delete implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN") String arn;

        @Override
        public void run() {
            JsonNode answer = client.client().delete(path(arn));
            client.output().print(answer, () -> client.out().println("deleted " + answer.path("certificateArn").asText()));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a PRIVATE certificate: it joins its region's CRL and OCSP answers 'revoked'.")
    static final class Revoke implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN") String arn;
        @Option(names = "--reason", defaultValue = "UNSPECIFIED", paramLabel = "REASON",
                description = "RFC 5280 reason: UNSPECIFIED, KEY_COMPROMISE, CA_COMPROMISE, AFFILIATION_CHANGED, "
                        + "SUPERSEDED, CESSATION_OF_OPERATION, CERTIFICATE_HOLD, PRIVILEGE_WITHDRAWN, A_A_COMPROMISE "
                        + "(default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public void run() {
            JsonNode answer = client.client().post(path(arn) + "/revoke", java.util.Map.of("reason", reason));
            client.output().print(answer, () -> client.out().println("revoked " + answer.path("certificateArn").asText()
                    + " (serial " + answer.path("serial").asText() + ", " + answer.path("reason").asText() + ")"));
        }
    }
}
