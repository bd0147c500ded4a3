package dev.terminus.proxy.config;

import dev.terminus.proxy.http.RouteAction;
import dev.terminus.proxy.http.RuleTable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads listener actions and rules. Target-group names are checked against the groups the file
 * defines, so a typo is refused at start rather than answered with 503 at run time.
 */
final class ActionLoader {
    static final int MAX_PRIORITY = 50_000;
    private static final Set<String> ACTIONS = Set.of("forward", "weighted", "fixed-response", "redirect");

    private final Map<String, TargetGroupConfig> groups;

    ActionLoader(Map<String, TargetGroupConfig> groups) {
        this.groups = groups;
    }

    /** Reads {@code rules}: unique priorities, at least one condition each. */
    List<ProxyConfig.Rule> rules(YamlNode listener) throws ConfigException {
        List<ProxyConfig.Rule> rules = new ArrayList<>();
        Set<Integer> priorities = new HashSet<>();
        for (YamlNode r : listener.list("rules")) {
            r.onlyKeys(Set.of("priority", "conditions", "action"));
            int priority = r.requiredInteger("priority", 1, MAX_PRIORITY);
            if (!priorities.add(priority)) {
                throw r.error("priority", priority, "a priority no other rule of this listener has");
            }
            YamlNode c = r.object("conditions");
            if (c == null) {
                throw r.error("conditions: missing (expected: host, path or both)");
            }
            c.onlyKeys(Set.of("host", "path"));
            List<String> hosts = c.strings("host");
            for (int i = 0; i < hosts.size(); i++) {
                String problem = RuleTable.hostProblem(hosts.get(i));
                if (problem != null) {
                    throw c.error("host[" + i + "]", "'" + hosts.get(i) + "'", problem);
                }
            }
            List<String> paths = c.strings("path");
            for (int i = 0; i < paths.size(); i++) {
                String problem = RuleTable.pathProblem(paths.get(i));
                if (problem != null) {
                    throw c.error("path[" + i + "]", "'" + paths.get(i) + "'", problem);
                }
            }
            if (hosts.isEmpty() && paths.isEmpty()) {
                throw c.error("empty (expected: host, path or both)");
            }
            rules.add(new ProxyConfig.Rule(priority, hosts, paths, action(r, "action")));
        }
        return rules;
    }

    /** Reads the action under {@code key}: exactly one of forward, weighted, fixed-response, redirect. */
    ActionSpec action(YamlNode parent, String key) throws ConfigException {
        YamlNode a = parent.object(key);
        if (a == null) {
            throw parent.error(key + ": missing (expected: one of forward, weighted, fixed-response, redirect)");
        }
        a.onlyKeys(ACTIONS);
        int present = 0;
        for (String k : ACTIONS) {
            present += a.has(k) ? 1 : 0;
        }
        if (present != 1) {
            throw a.error("expected exactly one of fixed-response, forward, redirect, weighted");
        }
        if (a.has("forward")) {
            return forward(a.object("forward"));
        }
        if (a.has("weighted")) {
            return weighted(a);
        }
        if (a.has("redirect")) {
            return new ActionSpec.Static(redirect(a.object("redirect")));
        }
        YamlNode r = a.object("fixed-response");
        r.onlyKeys(Set.of("status", "content-type", "body"));
        return new ActionSpec.Static(new RouteAction.FixedResponse(r.integer("status", 200, 200, 599),
                r.string("content-type", "text/plain; charset=utf-8"), r.string("body", "")));
    }

    private ActionSpec forward(YamlNode f) throws ConfigException {
        f.onlyKeys(Set.of("target-group", "host", "port"));
        if (f.has("target-group")) {
            if (f.has("host") || f.has("port")) {
                throw f.error("expected either target-group, or host and port, not both");
            }
            String name = f.requiredString("target-group");
            requireGroup(f, "target-group", name);
            return new ActionSpec.ToGroups(List.of(new ActionSpec.GroupWeight(name, 1)));
        }
        // A single backend without health checks, as before target groups existed.
        return new ActionSpec.Static(new RouteAction.Forward(f.requiredString("host"),
                f.requiredInteger("port", 1, 65_535)));
    }

    private ActionSpec weighted(YamlNode a) throws ConfigException {
        List<YamlNode> entries = a.list("weighted");
        if (entries.isEmpty()) {
            throw a.error("weighted", "[]", "a list of {target-group, weight}");
        }
        List<ActionSpec.GroupWeight> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (YamlNode e : entries) {
            e.onlyKeys(Set.of("target-group", "weight"));
            String name = e.requiredString("target-group");
            requireGroup(e, "target-group", name);
            if (!seen.add(name)) {
                throw e.error("target-group", "'" + name + "'", "a target group not listed twice");
            }
            // ALB: weights 0-999; a weight of 0 sends the group no traffic.
            int weight = e.requiredInteger("weight", 0, 999);
            total += weight;
            out.add(new ActionSpec.GroupWeight(name, weight));
        }
        if (total == 0) {
            throw a.error("weighted: every weight is 0 (expected: at least one weight above 0)");
        }
        return new ActionSpec.ToGroups(out);
    }

    private static RouteAction.Redirect redirect(YamlNode r) throws ConfigException {
        r.onlyKeys(Set.of("status", "protocol", "host", "port", "path", "query"));
        int status = r.integer("status", 301, 301, 302);
        if (status != 301 && status != 302) {
            throw r.error("status", status, "301 or 302");
        }
        String protocol = r.string("protocol", RouteAction.Redirect.PROTOCOL);
        if (!Set.of("HTTP", "HTTPS", RouteAction.Redirect.PROTOCOL).contains(protocol)) {
            throw r.error("protocol", "'" + protocol + "'", "HTTP, HTTPS or #{protocol}");
        }
        String host = template(r, "host", "#{host}");
        String port = template(r, "port", "#{port}");
        if (!port.equals("#{port}")) {
            try {
                int p = Integer.parseInt(port);
                if (p < 1 || p > 65_535) {
                    throw r.error("port", "'" + port + "'", "1-65535 or #{port}");
                }
            } catch (NumberFormatException e) {
                throw r.error("port", "'" + port + "'", "1-65535 or #{port}");
            }
        }
        String path = template(r, "path", "/#{path}");
        if (!path.startsWith("/")) {
            throw r.error("path", "'" + path + "'", "a path template starting with /, such as /#{path}");
        }
        String query = template(r, "query", "#{query}");
        if (protocol.equals(RouteAction.Redirect.PROTOCOL) && host.equals("#{host}") && port.equals("#{port}")
                && path.equals("/#{path}") && query.equals("#{query}")) {
            // ALB refuses this too: the client would be sent back to the same URL forever.
            throw r.error("a redirect to the same URL would loop (expected: change protocol, host, port, path "
                    + "or query)");
        }
        return new RouteAction.Redirect(status, protocol, host, port, path, query);
    }

    private static String template(YamlNode r, String key, String defaultValue) throws ConfigException {
        String value = r.string(key, defaultValue);
        String unknown = RouteAction.Redirect.unknownPlaceholder(value);
        if (unknown != null) {
            throw r.error(key, "'" + value + "'", "text and #{protocol}, #{host}, #{port}, #{path}, #{query}; "
                    + unknown + " is not one of them");
        }
        if (key.equals("host") && value.isBlank()) {
            throw r.error(key, "''", "a host name or #{host}");
        }
        return value;
    }

    private void requireGroup(YamlNode n, String key, String name) throws ConfigException {
        if (!groups.containsKey(name)) {
            throw n.error(key, "'" + name + "'", "the name of a target group in target-groups "
                    + new java.util.TreeSet<>(groups.keySet()));
        }
    }
}
