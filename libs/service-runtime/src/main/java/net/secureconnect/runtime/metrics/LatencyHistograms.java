package net.secureconnect.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Publishes the HTTP server timer ({@code http.server.requests}, Quarkus' REST and WebSocket upgrade requests) as a
 * percentile histogram, so dashboards and alerts compute p95/p99 with {@code histogram_quantile} over
 * {@code http_server_requests_seconds_bucket} — Quarkus publishes only count, sum and max by default. Buckets from 1 ms
 * to 10 s (Micrometer's exponential buckets in that range), which bounds the series per uri × method × status.
 * Quarkus applies every MeterFilter bean to its registries. Test: ServiceFoundationTests.
 */
@Singleton
public class LatencyHistograms {

    static final Duration MIN = Duration.ofMillis(1);
    static final Duration MAX = Duration.ofSeconds(10);

    @Produces
    @Singleton
    MeterFilter httpServerRequestHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("http.server.requests")) {
                    return config;
                }
                return DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .minimumExpectedValue((double) MIN.toNanos())
                        .maximumExpectedValue((double) MAX.toNanos())
                        .build().merge(config);
            }
        };
    }
}
