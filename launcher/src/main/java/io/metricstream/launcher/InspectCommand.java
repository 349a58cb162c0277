package io.metricstream.launcher;

import io.metricstream.queue.tool.SegmentInspector;
import io.metricstream.storage.tool.BlockInspector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inspect segment|index|block <path>}: human-readable dumps of on-disk files, for 3 a.m. debugging. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Dump an on-disk file: a queue segment (.log), its offset/time index (.index, .timeindex), "
        + "or a storage block directory; ends with a verdict (OK or the first problem and its position).")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "segment | index | block")
    String kind;

    @Parameters(index = "1", description = "path of the file (segment, index) or directory (block)")
    Path path;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(path)) {
            err.println("inspect: no such file or directory: " + path);
            return 2;
        }
        switch (kind) {
            case "segment", "index" -> SegmentInspector.inspect(path, out);
            case "block" -> BlockInspector.inspect(path, out);
            default -> {
                err.println("inspect: unknown kind \"" + kind + "\"; want segment, index or block");
                return 2;
            }
        }
        out.flush();
        return 0;
    }
}
