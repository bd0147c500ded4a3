package dev.terminus.controlplane.certificates;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names a certificate: {@code arn:terminus:acm:<region>:<account>:certificate/<uuid>}, as ACM's ARNs. */
public record CertificateArn(String region, String account, UUID id) {

    static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    private static final Pattern ARN = Pattern.compile(
            "arn:terminus:acm:([a-z0-9]+(?:-[a-z0-9]+)*):([0-9]{12}):certificate/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
    private static final int MAX_REGION_LENGTH = 32;

    /** Validates the region and account. */
    public CertificateArn {
        region(region, "region");
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw CertificateException.invalid("account", account, "12 digits, e.g. 000000000000");
        }
    }

    /** Returns a new ARN with a random UUID. */
    public static CertificateArn generate(String region, String account) {
        return new CertificateArn(region, account, UUID.randomUUID());
    }

    /** Parses {@code arn}; refuses anything else with {@link ErrorCode#INVALID_ARN}. */
    public static CertificateArn parse(String field, String arn) {
        Matcher matcher = arn == null ? null : ARN.matcher(arn);
        if (matcher == null || !matcher.matches() || matcher.group(1).length() > MAX_REGION_LENGTH) {
            throw CertificateException.of(ErrorCode.INVALID_ARN, field, arn,
                    "arn:terminus:acm:<region>:<12-digit account>:certificate/<lower-case uuid>");
        }
        return new CertificateArn(matcher.group(1), matcher.group(2), UUID.fromString(matcher.group(3)));
    }

    /** Returns {@code region} if it is a region name such as {@code us-east-1}, else refuses it naming {@code field}. */
    static String region(String region, String field) {
        if (region == null || region.length() > MAX_REGION_LENGTH || !REGION.matcher(region).matches()) {
            throw CertificateException.invalid(field, region, "a region name of lower-case letters, digits and hyphens,"
                    + " at most " + MAX_REGION_LENGTH + " characters, e.g. us-east-1");
        }
        return region;
    }

    @Override
    public String toString() {
        return "arn:terminus:acm:" + region + ":" + account + ":certificate/" + id;
    }
}
