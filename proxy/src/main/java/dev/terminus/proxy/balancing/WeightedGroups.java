package dev.terminus.proxy.balancing;

import dev.terminus.proxy.http.UpstreamGroup;
import dev.terminus.proxy.http.UpstreamTarget;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Splits requests across target groups in proportion to their weights (ALB's weighted forward
 * action, for blue/green and canary releases), then lets the chosen group pick a target.
 * Immutable; never blocks, never allocates.
 */
final class WeightedGroups implements UpstreamGroup {
    private final TargetGroup[] groups;
    /** cumulative[i] = weights of groups 0..i. */
    private final int[] cumulative;

    WeightedGroups(List<TargetGroup> groups, int[] weights) {
        this.groups = groups.toArray(TargetGroup[]::new);
        this.cumulative = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (sum <= 0) {
            throw new IllegalArgumentException("weights: all 0 (expected: at least one above 0)");
        }
    }

    @Override
    public UpstreamTarget pick(UpstreamTarget avoid) {
        if (avoid instanceof TargetState failed) {
            // A retry stays in the group the request was given to: the split is per request.
            for (TargetGroup g : groups) {
                if (g.state() == failed.group()) {
                    return g.pick(avoid);
                }
            }
        }
        int r = ThreadLocalRandom.current().nextInt(cumulative[cumulative.length - 1]);
        for (int i = 0; i < groups.length; i++) {
            if (r < cumulative[i]) {
                return groups[i].pick(avoid);
            }
        }
        throw new IllegalStateException("unreachable: r < total");
    }
}
