package io.metricstream.runtime.config;

/** The {@code global:} section: keys every deployment has, whichever services run. */
public final class GlobalConfig {
    /** Root directory for service data; each service writes under {@code <data_dir>/<service name>}. */
    public static final ConfigKey<String> DATA_DIR = ConfigKey.key("global.data_dir").stringType()
        .defaultValue("./data").doc("Root directory for service data; each service uses <data_dir>/<service>.");
    /** Deployment profile: dev (text logs), prod (JSON logs), test (quiet). */
    public static final ConfigKey<String> PROFILE = ConfigKey.key("global.profile").oneOf("dev", "prod", "test")
        .doc("Deployment profile: dev = text logs, prod = JSON lines, test = warnings only.");
    /** Root log level. */
    public static final ConfigKey<String> LOG_LEVEL = ConfigKey.key("global.log_level")
        .oneOf("info", "debug", "trace", "warn", "error").doc("Root log level (test profile caps it at warn).");
    /** Upper bound on graceful shutdown's wait for in-flight requests. */
    public static final ConfigKey<Long> DRAIN_TIMEOUT = ConfigKey.key("global.drain_timeout").durationType()
        .defaultValue(3_000L).atMost(4_000L).doc("How long shutdown waits for in-flight HTTP requests.");

    /** Netty IO (event loop) threads shared by every service of the process; 0 = one per core. */
    public static final ConfigKey<Integer> IO_THREADS = ConfigKey.key("global.io_threads").intType().defaultValue(0)
        .atLeast(0).atMost(256).doc("Event loop threads shared by the process's servers and clients; 0 = one per"
            + " core.");

    /** The TCP transport of the process's event loops: auto (epoll, else NIO), io_uring, epoll or nio. */
    public static final ConfigKey<String> TRANSPORT = ConfigKey.key("global.transport")
        .oneOf("auto", "io_uring", "epoll", "nio").doc("TCP transport of every server and client of the process:"
            + " auto = epoll, else nio; io_uring, epoll or nio (fails at start when unavailable).");

    /** The global section's keys. */
    public static final ConfigTable TABLE = ConfigTable.of(DATA_DIR, PROFILE, LOG_LEVEL, DRAIN_TIMEOUT, IO_THREADS,
        TRANSPORT);

    private GlobalConfig() {
    }
}
