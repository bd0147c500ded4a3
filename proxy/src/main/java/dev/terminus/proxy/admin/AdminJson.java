package dev.terminus.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Renders the admin payloads as JSON. Field names are spelled out here rather than derived
 * from the records, so that renaming a record component cannot silently change the wire shape;
 * instants are written as ISO-8601 strings ({@link java.time.Instant#toString()}) so no
 * {@code jsr310} module is needed. Thread-safe.
 */
final class AdminJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AdminJson() {
    }

    /** Renders {@code {"ready":..,"notes":[..]}}. */
    static byte[] readiness(AdminBackend.Readiness readiness) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("ready", readiness.ready());
        strings(root.putArray("notes"), readiness.notes());
        return bytes(root);
    }

    /** Renders an array of certificate objects; the records carry no key material. */
    static byte[] certificates(List<AdminBackend.CertificateInfo> certificates) {
        ArrayNode root = MAPPER.createArrayNode();
        for (AdminBackend.CertificateInfo c : certificates) {
            ObjectNode node = root.addObject();
            node.put("listener", c.listener());
            strings(node.putArray("names"), c.names());
            node.put("serial", c.serial());
            node.put("keyType", c.keyType());
            node.put("notAfter", c.notAfter() == null ? null : c.notAfter().toString());
            node.put("source", c.source());
            node.put("isDefault", c.isDefault());
        }
        return bytes(root);
    }

    /**
     * Renders {@code {"targetGroups":[{"name","algorithm","onNoHealthy","healthyTargets","targets":[..]}]}},
     * each target as {@code {"id","health","lastCheck":{"ok","time","detail"}|null,"outstandingRequests",
     * "connections","draining"}}.
     */
    static byte[] targets(List<AdminBackend.TargetGroupInfo> groups) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("targetGroups");
        for (AdminBackend.TargetGroupInfo g : groups) {
            ObjectNode group = list.addObject();
            group.put("name", g.name());
            group.put("algorithm", g.algorithm());
            group.put("onNoHealthy", g.onNoHealthy());
            group.put("healthyTargets", g.healthyTargets());
            ArrayNode targets = group.putArray("targets");
            for (AdminBackend.TargetInfo t : g.targets()) {
                ObjectNode target = targets.addObject();
                target.put("id", t.id());
                target.put("health", t.health());
                if (t.lastCheck() == null) {
                    target.putNull("lastCheck");
                } else {
                    ObjectNode check = target.putObject("lastCheck");
                    check.put("ok", t.lastCheck().ok());
                    check.put("time", t.lastCheck().time() == null ? null : t.lastCheck().time().toString());
                    check.put("detail", t.lastCheck().detail());
                }
                target.put("outstandingRequests", t.outstanding());
                target.put("connections", t.connections());
                target.put("draining", t.draining());
            }
        }
        return bytes(root);
    }

    /** Renders {@code {"ok":..,"message":".."}}. */
    static byte[] reloadResult(boolean ok, String message) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("ok", ok);
        root.put("message", message);
        return bytes(root);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static byte[] bytes(Object tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            // A tree of strings and booleans always serialises; failing here is a bug.
            throw new IllegalStateException("cannot render admin JSON", e);
        }
    }
}
