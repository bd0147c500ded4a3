package dev.terminus.proxy.config;

import dev.terminus.proxy.http.RouteAction;

import java.util.List;
import java.util.Objects;

/**
 * A listener action as configured. Actions that need nothing from outside the listener are
 * ready-made {@link RouteAction}s; forwarding to target groups names them, and the snapshot
 * builder resolves the names.
 */
public sealed interface ActionSpec permits ActionSpec.Static, ActionSpec.ToGroups {

    /** A fixed response, a redirect, or a plain forward to one backend address. */
    record Static(RouteAction action) implements ActionSpec {
        public Static {
            Objects.requireNonNull(action, "action");
            if (action instanceof RouteAction.Balanced) {
                throw new IllegalArgumentException("a balanced action is resolved at run time, not configured");
            }
        }
    }

    /**
     * Forwards to one target group ({@code forward}) or picks a group per request in proportion to
     * the weights ({@code weighted}, ALB's weighted target groups).
     */
    record ToGroups(List<GroupWeight> groups) implements ActionSpec {
        public ToGroups {
            groups = List.copyOf(groups);
            if (groups.isEmpty()) {
                throw new IllegalArgumentException("groups: empty (expected: at least one target group)");
            }
        }
    }

    /** A target group and its share of requests, 0-999 as in ALB. */
    record GroupWeight(String targetGroup, int weight) {
    }
}
