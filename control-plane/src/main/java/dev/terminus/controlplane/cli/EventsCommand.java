package dev.terminus.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Reads the certificate event log. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Read the event log (issued, imported, renewed, expiring, deleted...), oldest first.")
final class EventsCommand implements Runnable {

    @Mixin ClientOptions client;
    @Option(names = "--after", paramLabel = "ID", defaultValue = "0", description = "events after this id (default 0)") long after;
    @Option(names = "--limit", defaultValue = "100", description = "at most this many, 1-1000 (default 100)") int limit;

    @Override
    public void run() {
        JsonNode answer = client.client().get("/v1/events?after=" + after + "&limit=" + limit);
        client.output().print(answer, () -> {
            client.output().table(List.of("ID", "AT", "TYPE", "CERTIFICATE", "DETAIL"), answer.path("events"),
                    e -> List.of(e.path("id").asText(), e.path("at").asText(), e.path("type").asText(),
                            Output.text(e.path("certificateArn")), e.path("detail").asText()));
            client.out().println("next: --after " + answer.path("nextAfterId").asText());
        });
    }
}
