package dev.terminus.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.stream.Collectors;

/**
 * Reads request bodies and writes answers as JSON. Times are ISO-8601 strings; null fields are
 * left out; unknown request fields are refused (a typo must not be silently ignored).
 */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("terminus-time")
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(Period.class, ToStringSerializer.instance)
                    .addSerializer(Duration.class, ToStringSerializer.instance))
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Json() {
    }

    /** Returns the shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Returns {@code value} as JSON bytes. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Reads {@code body} as {@code type}; refuses an empty body, bad JSON, unknown fields and wrong types with 400. */
    static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw new ApiException(400, ApiErrors.MALFORMED_REQUEST, "body: empty (expected: a JSON object)");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new ApiException(400, ApiErrors.MALFORMED_REQUEST, "body: null (expected: a JSON object)");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ApiException(400, ApiErrors.MALFORMED_REQUEST, e.getPropertyName() + ": unknown field (expected one of: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")");
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw new ApiException(400, ApiErrors.MALFORMED_REQUEST, (field.isEmpty() ? "body" : field)
                    + ": wrong type (expected: " + e.getTargetType().getSimpleName() + ")");
        } catch (IOException e) {
            throw new ApiException(400, ApiErrors.MALFORMED_REQUEST, "body: not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
    }
}
