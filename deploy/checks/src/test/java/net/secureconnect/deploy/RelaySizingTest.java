package net.secureconnect.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's memory and connection thresholds follow from the memory per idle connection measured in
 * docs/benchmarks.md (docs/operations.md, "Size it"): at the planning limit (RelayConnectionsNearLimit's "limit")
 * the resident memory stays under 80 % of the container's limit and the live heap under half the heap ceiling; at
 * the HPA's target the resident memory fits the request; HPA target &lt; alert threshold &lt; limit.
 */
class RelaySizingTest {

    record Measured(double heapBaseMiB, double heapKiBPerConnection, double rssBaseMiB, double rssKiBPerConnection) {
    }

    record Relay(long requestMiB, long limitMiB, double heapRatio, long hpaTarget, long alertAt, long planningLimit) {
    }

    static Measured measured() throws Exception {
        String bench = Files.readString(Tools.ROOT.resolve("docs/benchmarks.md"));
        Matcher held = Pattern.compile("idle authenticated connections held \\| \\*\\*([\\d,]+)\\*\\*").matcher(bench);
        Matcher heap = Pattern.compile("relay heap after full GC, before → after \\| (\\d+) MiB → (\\d+) MiB").matcher(bench);
        Matcher rss = Pattern.compile("relay RSS before → after \\| (\\d+) MiB → (\\d+) MiB").matcher(bench);
        assertTrue(held.find() && heap.find() && rss.find(), "docs/benchmarks.md: idle-connection figures not found");
        double n = Double.parseDouble(held.group(1).replace(",", ""));
        double heapBase = Double.parseDouble(heap.group(1));
        double rssBase = Double.parseDouble(rss.group(1));
        return new Measured(heapBase, (Double.parseDouble(heap.group(2)) - heapBase) * 1024 / n,
                rssBase, (Double.parseDouble(rss.group(2)) - rssBase) * 1024 / n);
    }

    static Relay relay(List<JsonNode> docs) throws Exception {
        JsonNode c = Manifests.podSpec(Manifests.first(docs, "Deployment", "relay-service")).path("containers").path(0);
        String ratio = Manifests.first(docs, "ConfigMap", "relay-service").path("data").path("JAVA_MAX_MEM_RATIO").asText("25");
        long target = 0;
        for (JsonNode m : Manifests.iterable(Manifests.first(docs, "HorizontalPodAutoscaler", "relay-service").path("spec").path("metrics"))) {
            if ("relay_connections".equals(m.path("pods").path("metric").path("name").asText())) {
                target = m.path("pods").path("target").path("averageValue").asLong();
            }
        }
        String rules = Files.readString(Tools.ROOT.resolve("deploy/prometheus/rules/secureconnect.rules.yml"));
        Matcher alert = Pattern.compile("alert: RelayConnectionsNearLimit[\\s\\S]*?relay_connections\\) > (\\d+)[\\s\\S]*?\\(limit (\\d+)\\)")
                .matcher(rules);
        assertTrue(alert.find(), "RelayConnectionsNearLimit: threshold and limit not found");
        return new Relay(mib(c.path("resources").path("requests").path("memory").asText()),
                mib(c.path("resources").path("limits").path("memory").asText()), Double.parseDouble(ratio) / 100, target,
                Long.parseLong(alert.group(1)), Long.parseLong(alert.group(2)));
    }

    static long mib(String quantity) {
        if (quantity.endsWith("Gi")) {
            return Long.parseLong(quantity.replace("Gi", "")) * 1024;
        }
        return Long.parseLong(quantity.replace("Mi", ""));
    }

    static List<String> problems(Measured m, Relay r) {
        List<String> problems = new ArrayList<>();
        double rssAtLimit = m.rssBaseMiB() + r.planningLimit() * m.rssKiBPerConnection() / 1024;
        double rssAtTarget = m.rssBaseMiB() + r.hpaTarget() * m.rssKiBPerConnection() / 1024;
        double heapAtLimit = m.heapBaseMiB() + r.planningLimit() * m.heapKiBPerConnection() / 1024;
        if (rssAtLimit > 0.8 * r.limitMiB()) {
            problems.add(String.format("RSS at %d connections %.0f MiB > 80 %% of the %d MiB limit", r.planningLimit(), rssAtLimit, r.limitMiB()));
        }
        if (rssAtTarget > r.requestMiB()) {
            problems.add(String.format("RSS at the HPA target %d %.0f MiB > the %d MiB request", r.hpaTarget(), rssAtTarget, r.requestMiB()));
        }
        if (heapAtLimit > 0.5 * r.heapRatio() * r.limitMiB()) {
            problems.add(String.format("live heap at %d connections %.0f MiB > half of the heap ceiling (%.0f MiB)", r.planningLimit(),
                    heapAtLimit, r.heapRatio() * r.limitMiB()));
        }
        if (!(r.hpaTarget() < r.alertAt() && r.alertAt() < r.planningLimit())) {
            problems.add("expected HPA target < alert threshold < limit: " + r);
        }
        return problems;
    }

    @Test
    void theRelaysMemoryAndThresholdsFollowFromTheMeasuredMemoryPerConnection() throws Exception {
        Measured m = measured();
        assertTrue(m.heapKiBPerConnection() > 10 && m.heapKiBPerConnection() < 30, m.toString());
        Relay r = relay(Manifests.render("production"));
        assertEquals(List.of(), problems(m, r));
    }

    /** The rules can fail: a smaller limit, a higher planning limit, the JVM's default heap ratio. */
    @Test
    void aLimitTooSmallForThePlannedConnectionsIsReported() throws Exception {
        Measured m = measured();
        Relay ok = relay(Manifests.render("production"));
        assertTrue(problems(m, new Relay(ok.requestMiB(), 768, ok.heapRatio(), ok.hpaTarget(), ok.alertAt(), ok.planningLimit()))
                .stream().anyMatch(p -> p.contains("80 % of the 768 MiB limit")));
        assertTrue(problems(m, new Relay(ok.requestMiB(), ok.limitMiB(), ok.heapRatio(), 16000, 18000, 20000)).size() >= 2);
        assertTrue(problems(m, new Relay(ok.requestMiB(), ok.limitMiB(), 0.25, ok.hpaTarget(), ok.alertAt(), ok.planningLimit()))
                .stream().anyMatch(p -> p.contains("half of the heap ceiling")));
    }
}
