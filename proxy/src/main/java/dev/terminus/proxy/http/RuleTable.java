package dev.terminus.proxy.http;

import dev.terminus.proxy.tls.HostNames;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Routes requests by a listener's rules, as ALB does: rules are tried in ascending priority; the
 * first whose conditions all hold wins; otherwise the default action applies. Within a
 * condition the values are alternatives. Built once per snapshot; immutable.
 *
 * <p>Host values are exact names or one-label wildcards ({@code *.example.com} covers
 * {@code a.example.com}, not {@code a.b.example.com} nor {@code example.com}: the same rule as
 * certificate selection). The request host comes from {@code Host} (HTTP/2 {@code :authority}),
 * without port, normalised like SNI names. Path values are exact ({@code /login}) or prefixes
 * ending in {@code *} ({@code /api/*}); they are compared, case-sensitively, with the request
 * path before any {@code ?}.
 *
 * <p>{@link #route} runs on the event loop for every request: no lock, and no allocation except
 * when a {@code Host} value must be cut or normalised (a port, upper case, a trailing dot).
 */
public final class RuleTable implements Routes {

    /** One rule as configured: alternatives per condition (an empty list means no condition). */
    public record Rule(int priority, List<String> hosts, List<String> paths, RouteAction action) {
        public Rule {
            hosts = List.copyOf(hosts);
            paths = List.copyOf(paths);
            Objects.requireNonNull(action, "action");
            if (hosts.isEmpty() && paths.isEmpty()) {
                throw new IllegalArgumentException("rule " + priority + ": no condition (expected: host or path)");
            }
            for (String h : hosts) {
                String problem = hostProblem(h);
                if (problem != null) {
                    throw new IllegalArgumentException("host: " + h + " (expected: " + problem + ")");
                }
            }
            for (String p : paths) {
                String problem = pathProblem(p);
                if (problem != null) {
                    throw new IllegalArgumentException("path: " + p + " (expected: " + problem + ")");
                }
            }
        }
    }

    private final Compiled[] rules;
    private final RouteAction defaultAction;
    private final boolean anyHostCondition;

    private RuleTable(Compiled[] rules, RouteAction defaultAction) {
        this.rules = rules;
        this.defaultAction = defaultAction;
        boolean hosts = false;
        for (Compiled r : rules) {
            hosts |= r.hostCondition;
        }
        this.anyHostCondition = hosts;
    }

    /** Builds the table; refuses duplicate priorities. */
    public static RuleTable of(List<Rule> rules, RouteAction defaultAction) {
        Objects.requireNonNull(defaultAction, "defaultAction");
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt(Rule::priority));
        Compiled[] compiled = new Compiled[sorted.size()];
        for (int i = 0; i < compiled.length; i++) {
            if (i > 0 && sorted.get(i).priority() == sorted.get(i - 1).priority()) {
                throw new IllegalArgumentException("priority: " + sorted.get(i).priority()
                        + " (expected: unique within a listener)");
            }
            compiled[i] = new Compiled(sorted.get(i));
        }
        return new RuleTable(compiled, defaultAction);
    }

    /** Returns why a host condition value is unusable, or {@code null} when it is fine. */
    public static String hostProblem(String value) {
        String n = HostNames.normalize(value);
        if (n == null) {
            return "a host name or *.wildcard";
        }
        int star = n.indexOf('*');
        if (star >= 0 && (!HostNames.isWildcard(n) || n.indexOf('*', 1) >= 0)) {
            return "an exact name or a one-label wildcard such as *.example.com";
        }
        return null;
    }

    /** Returns why a path condition value is unusable, or {@code null} when it is fine. */
    public static String pathProblem(String value) {
        if (value.isEmpty() || value.charAt(0) != '/') {
            return "a path starting with /";
        }
        int star = value.indexOf('*');
        if ((star >= 0 && star != value.length() - 1) || value.indexOf('?') >= 0) {
            return "an exact path such as /login or a prefix ending in * such as /api/*";
        }
        return null;
    }

    @Override
    public RouteAction route(HttpRequest request) {
        if (rules.length == 0) {
            return defaultAction;
        }
        String uri = request.uri();
        int pathStart = pathStart(uri);
        int pathEnd = pathEnd(uri, pathStart);
        String host = anyHostCondition ? host(request) : null;
        for (Compiled rule : rules) {
            if (rule.matches(host, uri, pathStart, pathEnd)) {
                return rule.action;
            }
        }
        return defaultAction;
    }

    /** Returns the request's host, normalised and without port, or {@code null}. */
    public static String host(HttpRequest request) {
        String value = request.headers().get(HttpHeaderNames.HOST);
        if (value == null) {
            return null;
        }
        int end = value.length();
        if (!value.isEmpty() && value.charAt(0) == '[') {
            // RFC 3986 3.2.2: an IPv6 literal keeps its brackets; the port follows "]:".
            int close = value.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = value.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        String bare = end == value.length() ? value : value.substring(0, end);
        if (!bare.isEmpty() && bare.charAt(0) == '[') {
            return bare.toLowerCase(java.util.Locale.ROOT);
        }
        return HostNames.normalize(bare);
    }

    /** Returns where the path begins in a request target: origin-form or absolute-form (RFC 9112 3.2). */
    static int pathStart(String uri) {
        if (!uri.isEmpty() && uri.charAt(0) == '/') {
            return 0;
        }
        int scheme = uri.indexOf("://");
        if (scheme < 0) {
            // asterisk-form or authority-form: no path.
            return uri.length();
        }
        int slash = uri.indexOf('/', scheme + 3);
        return slash < 0 ? uri.length() : slash;
    }

    /** Returns where the path ends: at the query, the fragment or the end. */
    static int pathEnd(String uri, int start) {
        for (int i = start; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return i;
            }
        }
        return uri.length();
    }

    /** One rule, prepared for matching without allocation. */
    private static final class Compiled {
        final RouteAction action;
        final boolean hostCondition;
        final Set<String> exactHosts = new HashSet<>();
        /** ".example.com" for "*.example.com". */
        final String[] wildcardSuffixes;
        final String[] exactPaths;
        final String[] pathPrefixes;

        Compiled(Rule rule) {
            this.action = rule.action();
            this.hostCondition = !rule.hosts().isEmpty();
            List<String> wild = new ArrayList<>();
            for (String h : rule.hosts()) {
                String n = HostNames.normalize(h);
                if (HostNames.isWildcard(n)) {
                    wild.add(n.substring(1));
                } else {
                    exactHosts.add(n);
                }
            }
            this.wildcardSuffixes = wild.toArray(String[]::new);
            List<String> exact = new ArrayList<>();
            List<String> prefixes = new ArrayList<>();
            for (String p : rule.paths()) {
                if (p.endsWith("*")) {
                    prefixes.add(p.substring(0, p.length() - 1));
                } else {
                    exact.add(p);
                }
            }
            this.exactPaths = exact.toArray(String[]::new);
            this.pathPrefixes = prefixes.toArray(String[]::new);
        }

        boolean matches(String host, String uri, int pathStart, int pathEnd) {
            if (hostCondition && (host == null || !hostMatches(host))) {
                return false;
            }
            if (exactPaths.length == 0 && pathPrefixes.length == 0) {
                return true;
            }
            int len = pathEnd - pathStart;
            for (String p : exactPaths) {
                if (p.length() == len && uri.regionMatches(pathStart, p, 0, len)) {
                    return true;
                }
            }
            for (String p : pathPrefixes) {
                if (p.length() <= len && uri.regionMatches(pathStart, p, 0, p.length())) {
                    return true;
                }
            }
            return false;
        }

        private boolean hostMatches(String host) {
            if (exactHosts.contains(host)) {
                return true;
            }
            for (String suffix : wildcardSuffixes) {
                int labelEnd = host.length() - suffix.length();
                // One label only: the part before the suffix is non-empty and has no dot.
                if (labelEnd > 0 && host.endsWith(suffix) && host.lastIndexOf('.', labelEnd - 1) < 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
