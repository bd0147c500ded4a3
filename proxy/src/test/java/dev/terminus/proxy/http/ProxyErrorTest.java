package dev.terminus.proxy.http;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyErrorTest {

    @Test
    void connectFailuresMapToTheStatusThatNamesThem() {
        assertThat(ProxyError.ofConnectFailure(new ConnectTimeoutException("connection timed out")))
                .isEqualTo(ProxyError.CONNECT_TIMEOUT);
        assertThat(ProxyError.ofConnectFailure(new ConnectException("Connection refused: /127.0.0.1:1")))
                .isEqualTo(ProxyError.CONNECT_REFUSED);
        assertThat(ProxyError.ofConnectFailure(new ConnectException("connect(..) failed: Connection refused")))
                .isEqualTo(ProxyError.CONNECT_REFUSED);
        assertThat(ProxyError.ofConnectFailure(new NoRouteToHostException("No route to host")))
                .isEqualTo(ProxyError.CONNECT_FAILED);
        assertThat(ProxyError.ofConnectFailure(new UnknownHostException("nowhere.invalid")))
                .isEqualTo(ProxyError.CONNECT_FAILED);
        assertThat(ProxyError.CONNECT_TIMEOUT.status().code()).isEqualTo(504);
        assertThat(ProxyError.CONNECT_REFUSED.status().code()).isEqualTo(502);
    }

    @Test
    void tlsFailuresToTheBackendHaveTheirOwnCode() {
        assertThat(ProxyError.ofConnectFailure(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")))
                .isEqualTo(ProxyError.UPSTREAM_TLS_FAILED);
        assertThat(ProxyError.ofConnectFailure(new io.netty.handler.codec.DecoderException(
                new javax.net.ssl.SSLException("no shared protocol")))).isEqualTo(ProxyError.UPSTREAM_TLS_FAILED);
        // A handshake that never ends is a backend that cannot be reached in time.
        assertThat(ProxyError.ofConnectFailure(new io.netty.handler.ssl.SslHandshakeTimeoutException("10000 ms")))
                .isEqualTo(ProxyError.CONNECT_TIMEOUT);
        assertThat(ProxyError.UPSTREAM_TLS_FAILED.status().code()).isEqualTo(502);
        assertThat(ProxyError.UPSTREAM_TLS_FAILED.code()).isEqualTo("upstream-tls-failed");
    }

    @Test
    void decoderFailuresMapTo4xx() {
        assertThat(ProxyError.ofBadRequest(new TooLongHttpLineException("x"))).isEqualTo(ProxyError.URI_TOO_LONG);
        assertThat(ProxyError.ofBadRequest(new TooLongHttpHeaderException("x"))).isEqualTo(ProxyError.HEADERS_TOO_LARGE);
        assertThat(ProxyError.ofBadRequest(new IllegalArgumentException("x"))).isEqualTo(ProxyError.BAD_REQUEST);
    }

    @Test
    void limitErrorsNameTheirStatus() {
        assertThat(ProxyError.REQUEST_HEADER_TIMEOUT.status().code()).isEqualTo(408);
        assertThat(ProxyError.REQUEST_HEADER_TIMEOUT.code()).isEqualTo("request-header-timeout");
        assertThat(ProxyError.BODY_TOO_LARGE.status().code()).isEqualTo(413);
        assertThat(ProxyError.BODY_TOO_LARGE.code()).isEqualTo("body-too-large");
    }

    @Test
    void bodyLimitOfZeroMeansNone() {
        assertThat(HttpLimits.defaults().bodyTooLarge(Long.MAX_VALUE)).isFalse();
        assertThat(HttpLimits.defaults().withMaxBodySize(10).bodyTooLarge(10)).isFalse();
        assertThat(HttpLimits.defaults().withMaxBodySize(10).bodyTooLarge(11)).isTrue();
        assertThatThrownBy(() -> HttpLimits.defaults().withMaxBodySize(-1))
                .hasMessage("maxBodySize: -1 (expected: >= 0, 0 for no limit)");
        assertThatThrownBy(() -> HttpLimits.defaults().withRequestHeaderTimeoutMillis(0))
                .hasMessage("requestHeaderTimeoutMillis: 0 (expected: > 0)");
    }

    @Test
    void limitsRejectNonPositiveValuesByName() {
        assertThatThrownBy(() -> HttpLimits.defaults().withResponseTimeoutMillis(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("responseTimeoutMillis: 0 (expected: > 0)");
    }
}
