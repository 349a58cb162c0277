package io.metricstream.launcher.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A Dockerfile read into instructions: comments dropped, continuation lines joined. */
record Dockerfile(List<Instruction> instructions) {
    /** One instruction: upper-case keyword and the rest of the (joined) line. */
    record Instruction(String keyword, String arguments) {
    }

    static Dockerfile read(Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<Instruction> out = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            final String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            final String text = current.toString().strip();
            current.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            final int space = text.indexOf(' ');
            out.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1)
                .strip()));
        }
        return new Dockerfile(out);
    }

    /** The instructions with {@code keyword}, in order. */
    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** {@code K=V K2="V 2"} pairs of an ENV instruction. */
    static Map<String, String> envPairs(String arguments) {
        final Map<String, String> env = new LinkedHashMap<>();
        for (String token : arguments.split("\\s+")) {
            final int eq = token.indexOf('=');
            if (eq > 0) {
                env.put(token.substring(0, eq), token.substring(eq + 1).replace("\"", ""));
            }
        }
        return env;
    }

    /** The elements of a JSON-array (exec form) argument such as {@code ["run", "ingestion"]}. */
    static List<String> execForm(String arguments) {
        final String a = arguments.strip();
        if (!a.startsWith("[") || !a.endsWith("]")) {
            throw new AssertionError("want exec form [\"...\"], got " + arguments);
        }
        final List<String> out = new ArrayList<>();
        for (String part : a.substring(1, a.length() - 1).split(",")) {
            out.add(part.strip().replaceAll("^\"|\"$", ""));
        }
        return out;
    }
}
