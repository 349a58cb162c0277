package io.metricstream.runtime.http;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * How an HTTP server binds and what it accepts.
 *
 * @param bindAddress host or IP to bind, e.g. 127.0.0.1
 * @param port        port, 0 for an ephemeral one
 * @param limits      body limits
 * @param ssl         TLS context, or null for plain HTTP
 */
public record HttpServerOptions(String bindAddress, int port, BodyLimits limits, SslContext ssl) {
    /** Plain HTTP on {@code bindAddress:port} with default limits. */
    public static HttpServerOptions plain(String bindAddress, int port) {
        return new HttpServerOptions(bindAddress, port, BodyLimits.DEFAULT, null);
    }

    /** Builds a server TLS context from PEM files (certificate chain, PKCS#8 private key). */
    public static SslContext tls(Path certChainPem, Path privateKeyPem) throws SSLException {
        return SslContextBuilder.forServer(certChainPem.toFile(), privateKeyPem.toFile()).build();
    }
}
