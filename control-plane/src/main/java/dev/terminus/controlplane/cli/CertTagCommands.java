package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Holds the tag commands: tag, untag and tags. */
final class CertTagCommands {

    private CertTagCommands() {
    }

    static void printTags(ClientOptions client, JsonNode answer) {
        client.output().print(answer, () -> {
            List<JsonNode> rows = new ArrayList<>();
            answer.path("tags").properties().forEach(f -> rows.add(dev.terminus.controlplane.api.Json.mapper()
                    .createArrayNode().add(f.getKey()).add(f.getValue().asText())));
            client.output().table(List.of("KEY", "VALUE"), dev.terminus.controlplane.api.Json.mapper().valueToTree(rows),
                    row -> List.of(row.get(0).asText(), row.get(1).asText()));
        });
    }

    @Command(name = "tag", mixinStandardHelpOptions = true, description = "Add or overwrite tags.")
    static final class Tag implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "ARN") String arn;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY=VALUE") List<String> pairs;

        @Override
        public void run() {
            printTags(client, client.client().post(CertCommand.path(arn) + "/tags", Map.of("tags", CertCommand.tags(pairs))));
        }
    }

    @Command(name = "untag", mixinStandardHelpOptions = true, description = "Remove tags by key.")
    static final class Untag implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(index = "0", paramLabel = "ARN") String arn;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY") List<String> keys;

        @Override
        public void run() {
            String query = keys.stream().map(k -> "key=" + ApiClient.encode(k)).collect(Collectors.joining("&"));
            printTags(client, client.client().delete(CertCommand.path(arn) + "/tags?" + query));
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true, description = "List a certificate's tags.")
    static final class Tags implements Runnable {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "ARN") String arn;

        @Override
        public void run() {
            printTags(client, client.client().get(CertCommand.path(arn) + "/tags"));
        }
    }
}
