package io.metricstream.alert.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * Problems found in one file, each formatted {@code file:line: path: reason}
 * (e.g. {@code rules.yml:12: groups[0].rules[3].for: got "5x"; want a duration like 5m}). Not thread-safe.
 */
public final class YamlProblems {
    private final String file;
    private final List<String> messages = new ArrayList<>();

    /** Problems of {@code file} (the name printed in front of each line). */
    public YamlProblems(String file) {
        this.file = file;
    }

    /** Adds a problem at {@code line} of field {@code path} ("" for the whole file). */
    public void add(int line, String path, String reason) {
        messages.add(file + ":" + line + ": " + (path.isEmpty() ? "" : path + ": ") + reason);
    }

    /** True when nothing was reported. */
    public boolean isEmpty() {
        return messages.isEmpty();
    }

    /** The messages, in report order. */
    public List<String> messages() {
        return List.copyOf(messages);
    }
}
