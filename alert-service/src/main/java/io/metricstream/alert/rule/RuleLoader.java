package io.metricstream.alert.rule;

import io.metricstream.alert.yaml.YamlProblems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Loads the rule files named by globs (a glob may only use wildcards in its last path element, as
 * {@code rules/*.yml}) into a {@link RuleSet}. Every problem of every file is collected; a glob that matches
 * nothing is not a problem (Prometheus behaves the same), a missing plain path is.
 */
public final class RuleLoader {
    private RuleLoader() {
    }

    /** Loads every file matched by {@code globs}. */
    public static RuleSet load(List<String> globs) {
        final List<RuleGroup> groups = new ArrayList<>();
        final List<String> files = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        for (String glob : globs) {
            for (Path p : expand(glob, problems)) {
                files.add(p.toString());
                final YamlProblems fileProblems = new YamlProblems(p.toString());
                try {
                    RuleFile.parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8), groups, fileProblems);
                } catch (IOException e) {
                    fileProblems.add(0, "", "cannot read: " + e.getMessage());
                }
                problems.addAll(fileProblems.messages());
            }
        }
        return new RuleSet(List.copyOf(groups), List.copyOf(files), List.copyOf(problems));
    }

    /** Parses one file's text (tests and the reload endpoint's dry run). */
    public static RuleSet parse(String fileName, String text) {
        final List<RuleGroup> groups = new ArrayList<>();
        final YamlProblems problems = new YamlProblems(fileName);
        RuleFile.parse(fileName, text, groups, problems);
        return new RuleSet(List.copyOf(groups), List.of(fileName), problems.messages());
    }

    static List<Path> expand(String glob, List<String> problems) {
        final Path path = Path.of(glob);
        final String last = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!hasWildcard(last)) {
            if (!Files.isRegularFile(path)) {
                problems.add(glob + ":0: rule file not found");
                return List.of();
            }
            return List.of(path);
        }
        final Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        final PathMatcher m = dir.getFileSystem().getPathMatcher("glob:" + last);
        final TreeSet<Path> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName() != null && m.matches(p.getFileName()) && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            problems.add(glob + ":0: cannot list directory: " + e.getMessage());
        }
        return List.copyOf(out);
    }

    private static boolean hasWildcard(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }
}
