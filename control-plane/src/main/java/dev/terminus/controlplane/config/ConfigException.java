package dev.terminus.controlplane.config;

/** Signals a bad configuration; the message names the file, the key, the value and what was expected. */
public final class ConfigException extends RuntimeException {

    ConfigException(String message) {
        super(message);
    }

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
