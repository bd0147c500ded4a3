package dev.terminus.controlplane.webhooks;

import dev.terminus.controlplane.certificates.CertificateArn;
import dev.terminus.controlplane.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Renders an event as the JSON body of a webhook request and signs bodies. */
final class WebhookPayload {

    private WebhookPayload() {
    }

    /**
     * Returns {@code {"id","type","time","region","certificateArn","detail"}} as UTF-8 JSON; region is the
     * certificate ARN's region, null like the ARN for events about no certificate.
     */
    static byte[] json(StoredEvent event) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"id\":").append(event.id());
        json.append(",\"type\":");
        string(json, event.type());
        json.append(",\"time\":");
        string(json, event.at().toString());
        json.append(",\"region\":");
        string(json, region(event.certificateArn()));
        json.append(",\"certificateArn\":");
        string(json, event.certificateArn());
        json.append(",\"detail\":");
        string(json, event.detail());
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the lower-case hex HMAC-SHA256 of {@code body} under the UTF-8 bytes of {@code secret}. */
    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            // Every Java platform must provide HmacSHA256; its absence is a broken runtime.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String region(String arn) {
        if (arn == null) {
            return null;
        }
        try {
            return CertificateArn.parse("certificateArn", arn).region();
        } catch (RuntimeException e) {
            // The log accepts any string; a non-ARN still goes out, with its region unknown.
            return null;
        }
    }

    private static void string(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    // RFC 8259 §7: control characters must be escaped; U+2028/9 too, for receivers that eval JavaScript.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
