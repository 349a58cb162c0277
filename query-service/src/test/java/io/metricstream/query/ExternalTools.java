package io.metricstream.query;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian tools (promtool, prometheus, chromium) with a deadline, for integration tests. */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** Exit code and combined output of a finished command. */
    public record Outcome(int exitCode, String output) {
    }

    /** Whether {@code path} is an executable file. */
    public static boolean present(final String path) {
        return Files.isExecutable(Path.of(path));
    }

    /** Runs {@code command}, killing it after {@code timeoutSeconds}. */
    public static Outcome run(final List<String> command, final long timeoutSeconds) throws IOException,
        InterruptedException {
        final Path out = Files.createTempFile("ms-tool", ".out");
        try {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IOException("timed out after " + timeoutSeconds + " s: " + command + "\n"
                    + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
