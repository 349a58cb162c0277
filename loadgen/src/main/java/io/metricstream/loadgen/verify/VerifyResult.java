package io.metricstream.loadgen.verify;

import java.util.List;

/**
 * What the platform returned compared with what it acknowledged.
 *
 * @param expected distinct (series, timestamp) pairs acknowledged
 * @param found samples read back inside the acknowledged series and time range
 * @param lost acknowledged pairs not read back
 * @param duplicated extra copies of a pair read back more than once
 * @param mismatched pairs read back with other value bits than acknowledged
 * @param unexpected samples read back that were neither acknowledged nor in doubt
 * @param inDoubtFound samples read back whose request got no answer (allowed: at-least-once)
 * @param attempts read passes made
 * @param complete whether the last pass found every acknowledged sample
 * @param examples first few problems, one line each
 */
public record VerifyResult(long expected, long found, long lost, long duplicated, long mismatched, long unexpected,
                           long inDoubtFound, int attempts, boolean complete, List<String> examples) {
    /** Whether nothing was lost, duplicated, changed or invented. */
    public boolean ok() {
        return lost == 0 && duplicated == 0 && mismatched == 0 && unexpected == 0;
    }

    /** One line for reports. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
            "verify %s: expected=%d found=%d lost=%d duplicated=%d mismatched=%d unexpected=%d in_doubt_found=%d "
                + "attempts=%d", ok() ? "OK" : "FAILED", expected, found, lost, duplicated, mismatched, unexpected,
            inDoubtFound, attempts);
    }
}
