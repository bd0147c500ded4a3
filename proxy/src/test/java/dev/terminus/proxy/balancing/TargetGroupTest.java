package dev.terminus.proxy.balancing;

import dev.terminus.proxy.config.StatusMatcher;
import dev.terminus.proxy.config.TargetGroupConfig;
import dev.terminus.proxy.http.UpstreamTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Algorithms, health counting by explicit ticks, fail-open and state carried across reloads, without sockets. */
class TargetGroupTest {
    private static final TargetGroupConfig.HealthCheck CHECK = new TargetGroupConfig.HealthCheck(true, "/",
            Duration.ofSeconds(1), Duration.ofMillis(500), 3, 2, StatusMatcher.parse("200-299"));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TargetGroups groups = TargetGroups.withoutHealthChecks(registry);

    private static TargetGroupConfig config(TargetGroupConfig.Algorithm algorithm, TargetGroupConfig.OnNoHealthy none,
                                            int... weights) {
        List<TargetGroupConfig.Target> targets = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            targets.add(new TargetGroupConfig.Target("10.0.0." + (i + 1), 8080, weights[i]));
        }
        return new TargetGroupConfig("g", targets, algorithm, CHECK, Duration.ZERO, none);
    }

    private TargetGroup commit(TargetGroupConfig config) {
        TargetGroups.Plan plan = groups.prepare(List.of(config));
        groups.commit(plan);
        return groups.group(config.name());
    }

    private static Map<String, Integer> spread(TargetGroup g, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            UpstreamTarget t = g.pick(null);
            counts.merge(t == null ? "none" : ((TargetState) t).address().host(), 1, Integer::sum);
        }
        return counts;
    }

    private static void tick(TargetState t, boolean ok) {
        t.recordCheck(ok, CHECK.healthyThreshold(), CHECK.unhealthyThreshold());
    }

    @Test
    void roundRobinTakesTurnsAndSkipsUnhealthyTargetsEvenly() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN, TargetGroupConfig.OnNoHealthy.FAIL_OPEN,
                1, 1, 1));
        assertThat(spread(g, 300)).isEqualTo(Map.of("10.0.0.1", 100, "10.0.0.2", 100, "10.0.0.3", 100));
        TargetState second = g.targets().get(1);
        tick(second, false);
        assertThat(second.healthy()).as("one failure is under the threshold").isTrue();
        tick(second, false);
        assertThat(second.healthy()).isFalse();
        assertThat(spread(g, 300)).isEqualTo(Map.of("10.0.0.1", 150, "10.0.0.3", 150));
        tick(second, true);
        tick(second, true);
        assertThat(second.healthy()).as("two of three successes").isFalse();
        tick(second, true);
        assertThat(second.healthy()).isTrue();
    }

    @Test
    void aFailureResetsTheSuccessStreak() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN, TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1));
        TargetState t = g.targets().get(0);
        tick(t, false);
        tick(t, false);
        tick(t, true);
        tick(t, true);
        tick(t, false);
        tick(t, true);
        tick(t, true);
        assertThat(t.healthy()).isFalse();
        tick(t, true);
        assertThat(t.healthy()).isTrue();
    }

    @Test
    void leastOutstandingPrefersTheIdleTargetAndCountsEveryEnd() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.LEAST_OUTSTANDING_REQUESTS,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1, 1));
        UpstreamTarget busy = g.pick(null);
        busy.requestStarted();
        busy.requestStarted();
        for (int i = 0; i < 10; i++) {
            assertThat(g.pick(null)).isNotSameAs(busy);
        }
        busy.requestFinished(200, 1_000);
        busy.requestFinished(0, 1_000);
        assertThat(((TargetState) busy).outstanding()).isZero();
        assertThat(spread(g, 10)).isEqualTo(Map.of("10.0.0.1", 5, "10.0.0.2", 5));
        assertThat(registry.get("terminus.target.requests").tag("status_class", "aborted").counters().stream()
                .mapToDouble(c -> c.count()).sum()).isEqualTo(1.0);
    }

    @Test
    void weightedRandomFollowsWeightsAndNeverPicksWeightZero() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.WEIGHTED_RANDOM,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 3, 1, 0));
        Map<String, Integer> counts = spread(g, 4_000);
        assertThat(counts).doesNotContainKey("10.0.0.3");
        // Binomial(4000, 0.25): mean 1000, standard deviation 27.
        assertThat(counts.get("10.0.0.2")).isBetween(800, 1_200);
    }

    @Test
    void noHealthyTargetFailsOpenOrRefuses() {
        TargetGroup open = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1, 1));
        open.targets().forEach(t -> {
            tick(t, false);
            tick(t, false);
        });
        assertThat(spread(open, 10)).isEqualTo(Map.of("10.0.0.1", 5, "10.0.0.2", 5));

        TargetGroup refusing = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.REFUSE, 1, 1));
        assertThat(refusing.targets()).as("health carried across the reload").allMatch(t -> !t.healthy());
        assertThat(refusing.pick(null)).isNull();
    }

    @Test
    void aRetryAvoidsTheTargetThatFailed() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN, TargetGroupConfig.OnNoHealthy.FAIL_OPEN,
                1, 1));
        TargetState first = g.targets().get(0);
        for (int i = 0; i < 10; i++) {
            assertThat(g.pick(first)).isSameAs(g.targets().get(1));
        }
        TargetGroup single = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1));
        assertThat(single.pick(single.targets().get(0))).isNull();
    }

    @Test
    void reloadKeepsStateByIdentityAndDrainsRemovedTargets() {
        TargetGroup before = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1, 1));
        TargetState kept = before.targets().get(0);
        TargetState removed = before.targets().get(1);
        kept.requestStarted();
        removed.requestStarted();

        TargetGroup after = commit(config(TargetGroupConfig.Algorithm.LEAST_OUTSTANDING_REQUESTS,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1));
        assertThat(after.targets()).containsExactly(kept);
        assertThat(kept.outstanding()).isEqualTo(1);
        assertThat(removed.draining()).isTrue();
        assertThat(removed.reusable()).isFalse();
        // Without a health loop the delay is not waited for; the drain ends at once.
        assertThat(removed.drained()).isDone();
        removed.requestFinished(200, 1);
        assertThat(removed.outstanding()).isZero();
    }

    @Test
    void aGroupRemovedAndAddedBackGetsFreshTargets() {
        TargetGroup first = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1));
        groups.commit(groups.prepare(List.of()));
        assertThat(groups.group("g")).isNull();
        TargetGroup again = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN,
                TargetGroupConfig.OnNoHealthy.FAIL_OPEN, 1));
        assertThat(again.targets().get(0)).isNotSameAs(first.targets().get(0));
        assertThat(again.targets().get(0).draining()).isFalse();
        assertThat(groups.target("g", "10.0.0.1", 8080)).isSameAs(again.targets().get(0));
    }

    @Test
    void anUncommittedPlanChangesNothing() {
        TargetGroup g = commit(config(TargetGroupConfig.Algorithm.ROUND_ROBIN, TargetGroupConfig.OnNoHealthy.FAIL_OPEN,
                1, 1));
        groups.prepare(List.of(config(TargetGroupConfig.Algorithm.ROUND_ROBIN, TargetGroupConfig.OnNoHealthy.FAIL_OPEN,
                1)));
        assertThat(g.targets()).noneMatch(TargetState::draining);
        assertThat(groups.group("g")).isSameAs(g);
    }
}
