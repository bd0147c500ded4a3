package dev.terminus.proxy.runtime;

import dev.terminus.proxy.admin.AdminBackend;
import dev.terminus.proxy.balancing.TargetGroup;
import dev.terminus.proxy.balancing.TargetGroups;
import dev.terminus.proxy.balancing.TargetState;
import dev.terminus.proxy.config.TargetGroupConfig;

import java.util.ArrayList;
import java.util.List;

/** Describes the target groups for {@code GET /targets}: reads of atomics and volatiles, safe on an event loop. */
final class TargetReport {

    private TargetReport() {
    }

    static List<AdminBackend.TargetGroupInfo> of(TargetGroups groups) {
        List<TargetState> draining = groups.draining();
        List<AdminBackend.TargetGroupInfo> out = new ArrayList<>();
        for (TargetGroup g : groups.groups()) {
            List<AdminBackend.TargetInfo> targets = new ArrayList<>();
            g.targets().forEach(t -> targets.add(target(t)));
            for (TargetState t : draining) {
                if (t.groupName().equals(g.name())) {
                    targets.add(target(t));
                }
            }
            out.add(new AdminBackend.TargetGroupInfo(g.name(), g.algorithm().configName(),
                    g.onNoHealthy() == TargetGroupConfig.OnNoHealthy.FAIL_OPEN ? "fail-open" : "503",
                    g.healthyCount(), targets));
        }
        return out;
    }

    private static AdminBackend.TargetInfo target(TargetState t) {
        TargetState.LastCheck c = t.lastCheck();
        return new AdminBackend.TargetInfo(t.id(), t.healthy() ? "healthy" : "unhealthy",
                c == null ? null : new AdminBackend.CheckInfo(c.ok(), c.time(), c.detail()),
                t.outstanding(), t.connections(), t.draining());
    }
}
