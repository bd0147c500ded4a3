package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Manages API tokens through the API (admin tokens only); see {@code control-plane token create} for the local way. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and delete API tokens (admin, through the API).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Delete.class})
final class TokenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (see token --help)");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token; it is printed once, never again.")
    static final class Create implements Runnable {
        @Mixin ClientOptions client;
        @Option(names = "--role", required = true, description = "reader, operator or admin") String role;
        @Option(names = "--description", defaultValue = "") String description;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            body.put("description", description);
            JsonNode answer = client.client().post("/v1/tokens", body);
            client.output().print(answer, () -> {
                client.out().println(answer.path("token").asText());
                client.out().println("(token " + answer.path("tokenInfo").path("id").asText() + ", role " + role
                        + "; it will not be shown again)");
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (ids and roles, never secrets).")
    static final class ListTokens implements Runnable {
        @Mixin ClientOptions client;

        @Override
        public void run() {
            JsonNode answer = client.client().get("/v1/tokens");
            client.output().print(answer, () -> client.output().table(List.of("ID", "ROLE", "CREATED", "BY", "DESCRIPTION"),
                    answer.path("tokens"), t -> List.of(t.path("id").asText(), t.path("role").asText(), t.path("createdAt").asText(),
                            t.path("createdBy").asText(), t.path("description").asText())));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a token: it stops working at once.")
    static final class Delete implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ID") String id;

        @Override
        public void run() {
            JsonNode answer = client.client().delete("/v1/tokens/" + ApiClient.encode(id));
            client.output().print(answer, () -> client.out().println("deleted token " + id));
        }
    }
}
