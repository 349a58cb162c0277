package io.metricstream.ingestion.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.TempDirs;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTPS through the runtime's TLS option, with a self-signed certificate made by keytool in the test. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsIntegrationTest {
    private static String pem(final String type, final byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Test
    void shouldAcceptWritesOverHttpsWhenTlsFilesConfigured() throws Exception {
        final Path dir = Files.createTempDirectory("ingestion-tls");
        final Path ks = dir.resolve("ks.p12");
        final String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        final Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "ms", "-keyalg", "RSA", "-keysize",
            "2048", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
            "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
            .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        final PrivateKey key = (PrivateKey) store.getKey("ms", "changeit".toCharArray());
        final Certificate cert = store.getCertificate("ms");
        final Path certFile = dir.resolve("cert.pem");
        final Path keyFile = dir.resolve("key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));

        final KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ms", cert);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
            .connectTimeout(Duration.ofSeconds(15)).build();
        try (IngestionHarness h = new IngestionHarness(Map.of("ingestion.tls_cert_file", certFile.toString(),
            "ingestion.tls_key_file", keyFile.toString()), 2, client, "https")) {
            final byte[] body = "cpu,host=a v=1 1\ncpu,host=b v=2 2\n".getBytes(StandardCharsets.UTF_8);
            assertEquals(204, h.post("/write?precision=ms", body).statusCode());
            assertEquals(2, h.queue.samples.get());
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
