package dev.terminus.controlplane.certificates;

import java.util.List;

/**
 * Answers which resources use a certificate (load balancers, distributions). The topology's
 * bindings implement it; until they exist, {@link #NONE} says nobody does.
 */
@FunctionalInterface
public interface CertificateUsers {

    /** Uses nothing: no resource binds any certificate. */
    CertificateUsers NONE = arn -> List.of();

    /** Returns the ids of the resources bound to {@code certificateArn}, sorted; empty when none. */
    List<String> usersOf(String certificateArn);
}
