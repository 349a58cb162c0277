package io.metricstream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code java -cp <this test's class path> <mainClass> args…} as a real child process with stdout and stderr
 * in a log file, for crash tests: {@link #kill9()} uses {@link Process#destroyForcibly()}, which is SIGKILL on Linux.
 */
public final class ProcessHarness implements AutoCloseable {
    private final Process process;
    private final Path logFile;

    private ProcessHarness(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code mainClass} with {@code args}; output goes to {@code logFile}. */
    public static ProcessHarness start(Class<?> mainClass, Path logFile, List<String> jvmArgs, String... args) {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
            return new ProcessHarness(p, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** Waits until GET {@code url} answers 200, failing with the process log when it dies or times out. */
    public ProcessHarness awaitReady(String url, Duration timeout) {
        Awaits.await(timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("process exited with " + process.exitValue() + "; log:\n" + log());
            }
            return HttpProbe.statusOrMinusOne(url) == 200;
        }, () -> url + " to answer 200; log:\n" + log());
        return this;
    }

    /** The child's pid. */
    public long pid() {
        return process.pid();
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    public int kill9() {
        process.destroyForcibly();
        return waitFor(Duration.ofSeconds(10));
    }

    /** Asks the child to stop (SIGTERM) and waits up to 10 s; returns the exit code. */
    public int stop() {
        process.destroy();
        final int code = waitFor(Duration.ofSeconds(10));
        return code;
    }

    /** The child's output so far. */
    public String log() {
        try {
            return Files.exists(logFile) ? Files.readString(logFile) : "";
        } catch (IOException e) {
            return "<cannot read " + logFile + ": " + e + ">";
        }
    }

    private int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("process " + pid() + " did not exit within " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for process " + pid(), e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
    }
}
