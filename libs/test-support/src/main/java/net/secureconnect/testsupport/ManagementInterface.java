package net.secureconnect.testsupport;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.quarkus.test.common.http.TestHTTPResourceManager;

import java.net.URI;

/**
 * The service's management interface in a {@code @QuarkusTest} (health, metrics, OpenAPI): its own port
 * ({@code quarkus.management.test-port=0}, a free one), not the public port RestAssured points at.
 */
public final class ManagementInterface {

    private ManagementInterface() {
    }

    /** A RestAssured request against the management port: {@code ManagementInterface.given().get("/q/metrics")}. */
    public static RequestSpecification given() {
        URI uri = URI.create(TestHTTPResourceManager.getManagementUri());
        return RestAssured.given().baseUri(uri.getScheme() + "://" + uri.getHost()).port(uri.getPort()).basePath("");
    }
}
