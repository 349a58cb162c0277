package io.metricstream.runtime.health;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Named readiness conditions of one service; ready when all hold. Thread-safe. */
public final class Readiness {
    private record Condition(String name, BooleanSupplier test) {
    }

    private final List<Condition> conditions = new CopyOnWriteArrayList<>();

    /** Adds a condition called {@code name}. */
    public void add(String name, BooleanSupplier test) {
        conditions.add(new Condition(name, test));
    }

    /** Number of conditions, for naming anonymous ones. */
    public int size() {
        return conditions.size();
    }

    /** The names of the conditions that do not hold now (empty when ready). */
    public List<String> notReady() {
        final List<String> out = new ArrayList<>();
        for (Condition c : conditions) {
            boolean ok;
            try {
                ok = c.test().getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** True when every condition holds. */
    public boolean isReady() {
        return notReady().isEmpty();
    }
}
