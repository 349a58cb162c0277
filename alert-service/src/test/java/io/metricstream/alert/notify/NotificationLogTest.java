package io.metricstream.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metricstream.testsupport.TempDirs;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class NotificationLogTest {
    private static final long REPEAT = 1_000;

    /** After recording (firing a, resolved none) at t=0, does (firing, resolved) at {@code now} notify? */
    private static void f(Set<String> firing, Set<String> resolved, boolean sendResolved, long now, boolean want)
        throws Exception {
        final NotificationLog log = new NotificationLog(null);
        log.record("k", Set.of("a"), Set.of(), 0);
        assertEquals(want, log.needsUpdate("k", firing, resolved, sendResolved, REPEAT, now),
            firing + " " + resolved + " at " + now);
    }

    @Test
    void shouldDecideLikeAlertmanagerDedupStageWhenGroupChanges() throws Exception {
        f(Set.of("a"), Set.of(), true, 10, false);
        f(Set.of("a"), Set.of(), true, REPEAT, true);
        f(Set.of("a", "b"), Set.of(), true, 10, true);
        f(Set.of(), Set.of("a"), true, 10, true);
        f(Set.of(), Set.of("a"), false, 10, true);
        f(Set.of("a"), Set.of("b"), true, 10, true);
        f(Set.of("a"), Set.of("b"), false, 10, false);
        f(Set.of(), Set.of(), true, 10, true);
        assertEquals(false, new NotificationLog(null).needsUpdate("new", Set.of(), Set.of("x"), true, REPEAT, 0));
        assertEquals(true, new NotificationLog(null).needsUpdate("new", Set.of("x"), Set.of(), true, REPEAT, 0));
    }

    @Test
    void shouldRememberSendsWhenReloadedFromDisk() throws Exception {
        final Path dir = TempDirs.create("nflog");
        try {
            new NotificationLog(dir.resolve("nflog.json")).record("g|r", Set.of("a", "b"), Set.of("c"), 42);
            final NotificationLog again = new NotificationLog(dir.resolve("nflog.json"));
            again.load();
            assertEquals(new NotificationLog.Entry(Set.of("a", "b"), Set.of("c"), 42), again.get("g|r"));
            assertEquals(false, again.needsUpdate("g|r", Set.of("a"), Set.of(), true, REPEAT, 100));
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
