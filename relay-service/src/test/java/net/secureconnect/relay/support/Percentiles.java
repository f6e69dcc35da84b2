package net.secureconnect.relay.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of measured durations, for printing (latencies are reported, not asserted). */
public final class Percentiles {

    private Percentiles() {
    }

    public static String summary(List<Double> millis) {
        if (millis.isEmpty()) {
            return "n=0";
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return String.format("n=%d p50=%.2f ms p99=%.2f ms max=%.2f ms", sorted.size(), at(sorted, 0.50),
                at(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
