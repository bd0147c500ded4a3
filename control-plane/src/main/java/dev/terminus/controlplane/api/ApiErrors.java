package dev.terminus.controlplane.api;

import dev.terminus.controlplane.ca.CaException;
import dev.terminus.controlplane.certificates.CertificateException;
import dev.terminus.controlplane.certificates.ErrorCode;
import dev.terminus.controlplane.store.StoreException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure to the JSON error the API answers: an HTTP status and a stable code. The
 * inventory's {@link ErrorCode}s keep their wire names; the API adds its own codes below.
 */
final class ApiErrors {

    static final String UNAUTHORIZED = "Unauthorized";
    static final String FORBIDDEN = "Forbidden";
    static final String UNKNOWN_ROUTE = "UnknownRoute";
    static final String METHOD_NOT_ALLOWED = "MethodNotAllowed";
    static final String MALFORMED_REQUEST = "MalformedRequest";
    static final String REQUEST_TOO_LARGE = "RequestTooLarge";
    static final String INVALID_PARAMETER = ErrorCode.INVALID_PARAMETER.code();
    static final String RESOURCE_NOT_FOUND = ErrorCode.RESOURCE_NOT_FOUND.code();
    static final String INTERNAL_ERROR = "InternalError";

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** Holds one answer: status, code and message. */
    record ApiError(int status, String code, String message) {
    }

    private ApiErrors() {
    }

    /** Returns the HTTP status for an inventory refusal: 404 not found, 409 in use or changed, 400 for the rest. */
    static int status(ErrorCode code) {
        return switch (code) {
            case RESOURCE_NOT_FOUND -> 404;
            case RESOURCE_IN_USE, CONFLICT, REQUEST_ALREADY_PROCESSED -> 409;
            // Bad input, including every import check (INPUT_TOO_LARGE is the import's own size rule).
            default -> 400;
        };
    }

    /** Returns the answer for {@code failure}; unexpected ones are logged with an id the message repeats. */
    static ApiError of(Throwable failure) {
        if (failure instanceof ApiException e) {
            return new ApiError(e.status(), e.code(), e.getMessage());
        }
        if (failure instanceof CertificateException e) {
            return new ApiError(status(e.code()), e.code().code(), e.getMessage());
        }
        if (failure instanceof CaException e) {
            return switch (e.code()) {
                case UNKNOWN_REGION -> new ApiError(404, RESOURCE_NOT_FOUND, e.getMessage());
                case ALREADY_EXISTS -> new ApiError(409, "ResourceAlreadyExists", e.getMessage());
                default -> new ApiError(400, INVALID_PARAMETER, e.getMessage());
            };
        }
        if (failure instanceof StoreException e && e.code() == StoreException.Code.NOT_FOUND) {
            return new ApiError(404, RESOURCE_NOT_FOUND, e.getMessage());
        }
        if (failure instanceof StoreException e && e.code() == StoreException.Code.CONFLICT) {
            return new ApiError(409, ErrorCode.CONFLICT.code(), e.getMessage());
        }
        String id = UUID.randomUUID().toString();
        log.error("Internal error {}", id, failure);
        return new ApiError(500, INTERNAL_ERROR, "internal error " + id + " (see the control plane's log)");
    }
}
