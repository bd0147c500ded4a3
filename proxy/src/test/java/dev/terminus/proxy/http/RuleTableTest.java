package dev.terminus.proxy.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rule table as a table: host exact and wildcard, path exact and prefix, priority, default. */
class RuleTableTest {
    private static RouteAction named(String name) {
        return new RouteAction.FixedResponse(200, "text/plain", name);
    }

    private static final RuleTable TABLE = RuleTable.of(List.of(
            new RuleTable.Rule(30, List.of("example.com"), List.of(), named("apex")),
            new RuleTable.Rule(20, List.of("*.example.com"), List.of(), named("wild")),
            new RuleTable.Rule(10, List.of(), List.of("/api/*", "/login"), named("api")),
            new RuleTable.Rule(5, List.of("admin.example.com"), List.of("/admin/*"), named("admin"))),
            named("default"));

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "admin.example.com, /admin/x, admin",
            "admin.example.com, /admin, wild",
            "a.example.com, /api/v1?x=1, api",
            "a.example.com, /api, wild",
            "a.example.com, /apiary, wild",
            "a.example.com, /login, api",
            "a.example.com, /login?next=/, api",
            "a.example.com, /login/x, wild",
            "A.Example.COM:8443, /, wild",
            "a.example.com., /, wild",
            "example.com, /, apex",
            "a.b.example.com, /, default",
            "other.test, /, default",
            "other.test, http://other.test/api/x, api",
            "'', /, default",
    })
    void routes(String host, String uri, String expected) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (!host.isEmpty()) {
            request.headers().set("host", host);
        }
        assertThat(((RouteAction.FixedResponse) TABLE.route(request)).body()).isEqualTo(expected);
    }

    @Test
    void refusesDuplicatePrioritiesAndBadValues() {
        assertThatThrownBy(() -> RuleTable.of(List.of(
                new RuleTable.Rule(1, List.of("a.test"), List.of(), named("a")),
                new RuleTable.Rule(1, List.of("b.test"), List.of(), named("b"))), named("d")))
                .hasMessageContaining("priority: 1");
        assertThat(RuleTable.hostProblem("a.*.test")).isNotNull();
        assertThat(RuleTable.hostProblem("*.test")).isNull();
        assertThat(RuleTable.pathProblem("api/*")).isNotNull();
        assertThat(RuleTable.pathProblem("/a*b")).isNotNull();
        assertThat(RuleTable.pathProblem("/a?")).isNotNull();
        assertThat(RuleTable.pathProblem("/*")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "HTTPS|#{host}|443|/#{path}|#{query}|https://shop.test/a/b?x=1",
            "HTTPS|#{host}|8443|/#{path}|#{query}|https://shop.test:8443/a/b?x=1",
            "#{protocol}|www.#{host}|#{port}|/new/#{path}|#{query}&v=2|http://www.shop.test:8080/new/a/b?x=1&v=2",
            "HTTP|#{host}|80|/|''|http://shop.test/",
            "HTTPS|#{host}|#{port}|/#{path}|#{host}|https://shop.test:8080/a/b?shop.test",
    })
    void redirectFillsAlbPlaceholders(String protocol, String host, String port, String path, String query,
                                      String location) {
        RouteAction.Redirect r = new RouteAction.Redirect(301, protocol, host, port, path, query);
        assertThat(r.location("http", "shop.test", 8080, "/a/b", "x=1")).isEqualTo(location);
    }

    @org.junit.jupiter.api.Test
    void aValueThatLooksLikeAPlaceholderStaysLiteral() {
        RouteAction.Redirect r = new RouteAction.Redirect(301, "HTTPS", "#{host}", "443", "/#{path}", "#{query}");
        assertThat(r.location("http", "#{path}", 80, "/a", "")).isEqualTo("https://#{path}/a");
    }
}
