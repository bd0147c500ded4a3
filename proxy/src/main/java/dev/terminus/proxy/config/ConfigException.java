package dev.terminus.proxy.config;

/**
 * Reports configuration that cannot be used. The message names the file, the key and what was
 * expected, so that one line tells the operator what to fix.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
