package net.secureconnect.wallet.support;

import net.secureconnect.testsupport.ManagementInterface;
import io.restassured.http.ContentType;


/** Reads samples from the service's Prometheus page. */
public final class Metrics {

    private Metrics() {
    }

    /**
     * The value of the first sample of {@code name} carrying all the given labels ({@code name, value, …} pairs,
     * in any order), or 0 when there is none.
     */
    public static double value(String name, String... labels) {
        return valueIn(ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").asString(), name, labels);
    }

    public static double valueIn(String page, String name, String... labels) {
        for (String line : page.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + " ") || line.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= line.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
