package dev.sluice.sandbox.internal;

/** A request the API refuses with a 4xx; the server renders it as {@code {"error": code, "message": ...}}. */
final class ApiError extends RuntimeException {
    final int status;
    final String code;

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }
}
