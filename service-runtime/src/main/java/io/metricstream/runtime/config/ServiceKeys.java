package io.metricstream.runtime.config;

/**
 * Declarations of the keys every service shares by convention, so their names, validators and docs agree:
 * {@code <section>.bind_address}, {@code <section>.http_port}, {@code <section>.binary_port},
 * {@code <section>.max_body_bytes}, {@code <section>.tls_cert_file}, {@code <section>.tls_key_file}.
 * The runtime looks these names up when it binds a service's servers.
 */
public final class ServiceKeys {
    /** Short name of the bind address key. */
    public static final String BIND_ADDRESS = "bind_address";
    /** Short name of the max body key. */
    public static final String MAX_BODY_BYTES = "max_body_bytes";
    /** Short name of the TLS certificate key. */
    public static final String TLS_CERT_FILE = "tls_cert_file";
    /** Short name of the TLS private key key. */
    public static final String TLS_KEY_FILE = "tls_key_file";

    private ServiceKeys() {
    }

    /** {@code <section>.bind_address}, default 127.0.0.1. */
    public static ConfigKey<String> bindAddress(String section) {
        return ConfigKey.key(section + "." + BIND_ADDRESS).stringType().defaultValue("127.0.0.1")
            .validate(s -> !s.isBlank(), "a host or IP address")
            .doc("Address the " + section + " servers bind (0.0.0.0 for all interfaces).");
    }

    /** {@code <section>.http_port} with {@code defaultPort}; 0 binds an ephemeral port. */
    public static ConfigKey<Integer> httpPort(String section, int defaultPort) {
        return ConfigKey.key(section + ".http_port").intType().defaultValue(defaultPort).atLeast(0).atMost(65535)
            .doc("HTTP port of " + section + " (0 = any free port).");
    }

    /** {@code <section>.binary_port} with {@code defaultPort}; 0 binds an ephemeral port. */
    public static ConfigKey<Integer> binaryPort(String section, int defaultPort) {
        return ConfigKey.key(section + ".binary_port").intType().defaultValue(defaultPort).atLeast(0).atMost(65535)
            .doc("Binary protocol port of " + section + " (0 = any free port).");
    }

    /** {@code <section>.max_body_bytes}: largest (decompressed) HTTP request body. */
    public static ConfigKey<Long> maxBodyBytes(String section, long defaultBytes) {
        return ConfigKey.key(section + "." + MAX_BODY_BYTES).sizeType().defaultValue(defaultBytes).atLeast(1024)
            .atMost(Integer.MAX_VALUE).doc("Largest HTTP request body of " + section + " after decompression.");
    }

    /** {@code <section>.tls_cert_file}: PEM certificate chain; empty = plain HTTP. */
    public static ConfigKey<String> tlsCertFile(String section) {
        return ConfigKey.key(section + "." + TLS_CERT_FILE).stringType().defaultValue("")
            .doc("PEM certificate chain for HTTPS on " + section + " (empty = plain HTTP).");
    }

    /** {@code <section>.tls_key_file}: PEM PKCS#8 private key; empty = plain HTTP. */
    public static ConfigKey<String> tlsKeyFile(String section) {
        return ConfigKey.key(section + "." + TLS_KEY_FILE).stringType().defaultValue("")
            .doc("PEM PKCS#8 private key for HTTPS on " + section + " (empty = plain HTTP).");
    }
}
