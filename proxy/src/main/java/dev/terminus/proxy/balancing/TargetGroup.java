package dev.terminus.proxy.balancing;

import dev.terminus.proxy.config.TargetGroupConfig;
import dev.terminus.proxy.http.UpstreamGroup;
import dev.terminus.proxy.http.UpstreamTarget;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a target of one target group for each request, in one snapshot: healthy targets by the
 * group's algorithm; when none is healthy, all of them (fail open, as ALB does) or none (503).
 * Immutable apart from the shared turn counter; never blocks, never allocates.
 */
public final class TargetGroup implements UpstreamGroup {
    private final GroupState state;
    private final TargetState[] targets;
    private final int[] weights;
    private final TargetGroupConfig.Algorithm algorithm;
    private final TargetGroupConfig.OnNoHealthy onNoHealthy;
    private final boolean failOpen;

    TargetGroup(GroupState state, List<TargetState> targets, int[] weights, TargetGroupConfig.Algorithm algorithm,
                TargetGroupConfig.OnNoHealthy onNoHealthy) {
        this.state = state;
        this.targets = targets.toArray(TargetState[]::new);
        this.weights = weights.clone();
        this.algorithm = algorithm;
        this.onNoHealthy = onNoHealthy;
        this.failOpen = onNoHealthy == TargetGroupConfig.OnNoHealthy.FAIL_OPEN;
    }

    public String name() {
        return state.name();
    }

    GroupState state() {
        return state;
    }

    /** Returns the targets of this snapshot's group, in configuration order. */
    public List<TargetState> targets() {
        return List.of(targets);
    }

    boolean failsOpen() {
        return failOpen;
    }

    public TargetGroupConfig.Algorithm algorithm() {
        return algorithm;
    }

    public TargetGroupConfig.OnNoHealthy onNoHealthy() {
        return onNoHealthy;
    }

    /** Returns how many of this group's targets pass their health check now. */
    public int healthyCount() {
        int n = 0;
        for (TargetState t : targets) {
            if (t.healthy()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public UpstreamTarget pick(UpstreamTarget avoid) {
        if (targets.length == 0) {
            return null;
        }
        if (healthyCount() > 0) {
            return choose(true, avoid);
        }
        // ALB: "if all targets fail health checks at the same time, the load balancer fails open".
        return failOpen ? choose(false, avoid) : null;
    }

    private boolean eligible(int i, boolean healthyOnly, UpstreamTarget avoid) {
        TargetState t = targets[i];
        return t != avoid && (!healthyOnly || t.healthy())
                && (algorithm != TargetGroupConfig.Algorithm.WEIGHTED_RANDOM || weights[i] > 0);
    }

    private TargetState choose(boolean healthyOnly, UpstreamTarget avoid) {
        int n = targets.length;
        switch (algorithm) {
            case ROUND_ROBIN -> {
                int count = 0;
                for (int i = 0; i < n; i++) {
                    count += eligible(i, healthyOnly, avoid) ? 1 : 0;
                }
                if (count == 0) {
                    return null;
                }
                // The k-th eligible target, so that an ejected target's turns spread evenly.
                int k = Math.floorMod(state.turn.getAndIncrement(), count);
                for (int i = 0; i < n; i++) {
                    if (eligible(i, healthyOnly, avoid) && k-- == 0) {
                        return targets[i];
                    }
                }
                return null;
            }
            case LEAST_OUTSTANDING_REQUESTS -> {
                // Start the scan at a rotating position so that ties (an idle group) take turns.
                int start = Math.floorMod(state.turn.getAndIncrement(), n);
                TargetState best = null;
                int least = Integer.MAX_VALUE;
                for (int j = 0; j < n; j++) {
                    int i = (start + j) % n;
                    if (eligible(i, healthyOnly, avoid)) {
                        int o = targets[i].outstanding();
                        if (o < least) {
                            least = o;
                            best = targets[i];
                        }
                    }
                }
                return best;
            }
            default -> {
                int total = 0;
                for (int i = 0; i < n; i++) {
                    total += eligible(i, healthyOnly, avoid) ? weights[i] : 0;
                }
                if (total == 0) {
                    return null;
                }
                int r = ThreadLocalRandom.current().nextInt(total);
                for (int i = 0; i < n; i++) {
                    if (eligible(i, healthyOnly, avoid)) {
                        r -= weights[i];
                        if (r < 0) {
                            return targets[i];
                        }
                    }
                }
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "target group " + name();
    }
}
