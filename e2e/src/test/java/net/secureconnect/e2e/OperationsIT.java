package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operational endpoints every service exposes without a token — health, Prometheus metrics, OpenAPI —
 * on its management interface only; the public port answers 404 for them.
 */
class OperationsIT {

    static List<E2eConfig.Service> services() {
        return E2eConfig.services();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void readinessIsUp(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(service.managementUrl() + "/q/health/ready");
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        assertEquals("UP", Http.json(response).path("status").asText(), service + ": " + response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void livenessIsUp(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(service.managementUrl() + "/q/health/live");
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        assertEquals("UP", Http.json(response).path("status").asText(), service + ": " + response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void metricsAreServedInPrometheusTextFormat(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(service.managementUrl() + "/q/metrics");
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("text/plain") || contentType.startsWith("application/openmetrics-text"),
                service + " content type " + contentType);
        String body = response.body();
        assertTrue(body.contains("# TYPE ") && body.contains("# HELP "), service + " serves exposition format");
        // A sample line: metric name, optional labels, a number.
        assertTrue(body.lines().anyMatch(l -> l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? [-+0-9.eE]+.*")),
                service + " has samples");
        assertTrue(body.contains("jvm_"), service + " exports JVM metrics");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void openApiIsServedOnTheManagementPort(E2eConfig.Service service) {
        HttpResponse<String> response = Http.get(service.managementUrl() + "/q/openapi?format=json");
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        assertTrue(Http.json(response).path("paths").has("/v1/session"), service + " describes its API");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void thePublicPortServesNoMetricsOpenApiOrHealth(E2eConfig.Service service) {
        for (String path : List.of("/q/metrics", "/q/openapi", "/q/health/ready", "/q/health/live")) {
            HttpResponse<String> response = Http.get(service.baseUrl() + path);
            assertEquals(404, response.statusCode(), service + " " + path + " on the public port: " + response.body());
        }
    }
}
