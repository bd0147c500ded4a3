package dev.terminus.controlplane.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Backoff arithmetic, jitter bounds and the validation of policies and targets. */
class WebhookPolicyTest {

    private static final WebhookPolicy POLICY =
            new WebhookPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(10), 100, null);

    @Test
    void ok_backoffDoublesFromTheInitialDelayAndStopsAtTheMax() {
        assertThat(Stream.of(1, 2, 3, 4, 5, 6, 7, 8, 1_000_000).map(POLICY::backoff)).extracting(Duration::toSeconds)
                .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
    }

    @Test
    void ok_fullJitterStaysBetweenZeroAndTheExponentialDelay() {
        WebhookPolicy jittered = POLICY.withJitter(new Random(42));
        for (int failures = 1; failures <= 10; failures++) {
            for (int i = 0; i < 50; i++) {
                assertThat(jittered.backoff(failures)).isBetween(Duration.ZERO, POLICY.backoff(failures));
            }
        }
        // Same seed, same draws: a test that injects the generator is repeatable.
        assertThat(POLICY.withJitter(new Random(7)).backoff(5)).isEqualTo(POLICY.withJitter(new Random(7)).backoff(5));
    }

    static Stream<Arguments> refused() {
        URI url = URI.create("https://hooks.example/terminus");
        return Stream.of(
                Arguments.of("fail/maxBelowInitial", (Supplier<?>) () -> new WebhookPolicy(Duration.ofSeconds(2),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 1, null), "maxBackoff: PT1S"),
                Arguments.of("fail/zeroTimeout", (Supplier<?>) () -> new WebhookPolicy(Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ZERO, 1, null), "requestTimeout: PT0S"),
                Arguments.of("fail/noEventsPerRun", (Supplier<?>) () -> new WebhookPolicy(Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), 0, null), "maxEventsPerRun: 0"),
                Arguments.of("fail/ftp", (Supplier<?>) () -> WebhookTarget.of("a", URI.create("ftp://x/y")), "url: ftp://x/y"),
                Arguments.of("fail/relativeUrl", (Supplier<?>) () -> WebhookTarget.of("a", URI.create("/hook")), "url: /hook"),
                Arguments.of("fail/credentialsInUrl", (Supplier<?>) () -> WebhookTarget.of("a",
                        URI.create("https://user:pw@hooks.example/")), "url: <redacted>"),
                Arguments.of("fail/badId", (Supplier<?>) () -> WebhookTarget.of("a b", url), "id: a b"),
                Arguments.of("fail/blankSecret", (Supplier<?>) () -> WebhookTarget.of("a", url).withSecret(" "), "secret: <blank>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesInvalidConfiguration(String name, Supplier<?> build, String message) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void ok_targetToStringRedactsTheSecret() {
        assertThat(WebhookTarget.of("a", URI.create("https://hooks.example/")).withSecret("s3cret").toString())
                .doesNotContain("s3cret").contains("secret=<redacted>");
    }
}
