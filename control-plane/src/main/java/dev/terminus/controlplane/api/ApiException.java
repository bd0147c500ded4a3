package dev.terminus.controlplane.api;

/** Signals a refusal the API decides itself (auth, routing, request shape), with its HTTP status and stable code. */
final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** Returns a 400 {@code InvalidParameter} refusal. */
    static ApiException invalid(String message) {
        return new ApiException(400, ApiErrors.INVALID_PARAMETER, message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
