package net.secureconnect.testsupport;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * What every service must do, checked against the real broker and dynoxide: boot, report readiness
 * from its Kafka and DynamoDB connections, own its tables and topics, serve metrics and OpenAPI, and
 * accept exactly the bearer tokens its issuer signed. A service's test extends this with
 * {@code @QuarkusTest} and names its tables and topics.
 */
public abstract class ServiceFoundationTests {

    protected static final String USER = "alice";

    /** The service's {@code secureconnect.service-name}. */
    protected abstract String serviceName();

    /** Logical names of the tables the service owns. */
    protected abstract Set<String> tables();

    /** Topics the service uses, with true for compacted ones. */
    protected abstract Map<String, Boolean> topics();

    /**
     * An end-user endpoint: only tokens of role {@code user} from a user-facing client may call it.
     * {@code body} null for a GET; with a body, the endpoint is only called with tokens that must be
     * refused (nothing is created or charged).
     */
    public record UserEndpoint(String method, String path, Map<String, String> headers, String body) {
        public static UserEndpoint get(String path) {
            return new UserEndpoint("GET", path, Map.of(), null);
        }

        public static UserEndpoint post(String path, Map<String, String> headers, String body) {
            return new UserEndpoint("POST", path, headers, body);
        }
    }

    /** The service's end-user endpoints; every service has {@code /v1/session}. */
    protected List<UserEndpoint> userEndpoints() {
        return List.of(UserEndpoint.get("/v1/session"));
    }

    /** Endpoints that are public on purpose (GET, no token): they must not answer 401 or 403. */
    protected List<String> publicEndpoints() {
        return List.of();
    }

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void isLiveAndReadyWithKafkaAndDynamoDbChecks() {
        ManagementInterface.given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("kafka"))
                .body("checks.name", hasItem("dynamodb"));
    }

    @Test
    void createsItsTablesInDynamoDb() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(Dynoxide.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            List<String> existing = dynamo.listTables().tableNames();
            assertThat(existing, hasItems(tables().stream().map(table -> "sc-" + table).toArray(String[]::new)));
        }
    }

    /**
     * The topics created with retention.ms=-1: libs/contracts Topic#keptForever() (EventTypeAndTopicTest pins the same
     * set; this library does not depend on contracts).
     */
    private static final Set<String> KEPT_FOREVER = Set.of("accounts", "payments", "usage-events");

    @Test
    void createsItsTopicsOnTheBroker() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertThat(existing, hasItems(topics().keySet().toArray(String[]::new)));
            var resources = topics().keySet().stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            var configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
            topics().forEach((name, compacted) -> assertEquals(
                    compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE,
                    configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG).value(),
                    "cleanup policy of " + name));
            // Replayed from the beginning (relay state, new consumer groups): Kafka's 7-day default would drop records.
            topics().keySet().stream().filter(KEPT_FOREVER::contains)
                    .forEach(name -> assertEquals("-1", configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))
                            .get(TopicConfig.RETENTION_MS_CONFIG).value(), "retention.ms of " + name));
        }
    }

    @Test
    void acceptsATokenFromItsIssuer() {
        given().auth().oauth2(TestTokens.forUser(USER, "user"))
                .get("/v1/session").then().statusCode(200)
                .body("service", equalTo(serviceName()))
                .body("subject", equalTo(TestTokens.subjectOf(USER)))
                .body("username", equalTo(USER))
                .body("roles", hasItem("user"))
                .body("roles", not(hasItem("admin")));
    }

    @Test
    void reportsTheAdminRole() {
        given().auth().oauth2(TestTokens.forUser("root", "user", "admin"))
                .get("/v1/session").then().statusCode(200).body("roles", hasItem("admin"));
    }

    @Test
    void refusesMissingExpiredForgedMisaddressedAndGarbageTokens() {
        given().get("/v1/session").then().statusCode(401);
        given().auth().oauth2(TestTokens.expired(USER, "user")).get("/v1/session").then().statusCode(401);
        given().auth().oauth2(TestTokens.signedByAnotherKey(USER, "user")).get("/v1/session").then().statusCode(401);
        given().auth().oauth2(TestTokens.forAnotherAudience(USER, "user")).get("/v1/session").then().statusCode(401);
        given().auth().oauth2("not-a-token").get("/v1/session").then().statusCode(401);
    }

    @Test
    void answersUnknownPathsWithProblemJson() {
        given().auth().oauth2(TestTokens.forUser(USER, "user"))
                .get("/v1/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("NOT_FOUND"))
                .body("status", equalTo(404));
    }

    @Test
    void servesPrometheusMetricsOnTheManagementPortOnly() {
        given().auth().oauth2(TestTokens.forUser(USER, "user")).get("/v1/session").then().statusCode(200);
        ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("http_server_requests_seconds_count"));
        given().accept(ContentType.TEXT).get("/q/metrics").then().statusCode(404);
    }

    /**
     * libs/service-runtime DynamoDbCallMeter and LatencyHistograms are wired into the service: its readiness check's
     * DescribeTable calls are timed under the logical table name, and HTTP latency is a histogram (what the
     * per-service Grafana dashboards' p95/p99 panels read).
     */
    @Test
    void timesItsDynamoDbCallsAndPublishesHttpLatencyHistograms() {
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200);
        given().auth().oauth2(TestTokens.forUser(USER, "user")).get("/v1/session").then().statusCode(200);
        String metrics = ManagementInterface.given().accept(ContentType.TEXT).get("/q/metrics").then().statusCode(200)
                .extract().asString();
        String table = tables().iterator().next();
        String describe = "operation=\"DescribeTable\",outcome=\"ok\",table=\"" + table + "\"";
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("secureconnect_dynamodb_calls_seconds_count{")
                && line.contains(describe)), "DescribeTable of " + table + " is timed:\n"
                + grep(metrics, "secureconnect_dynamodb_calls_seconds_count"));
        assertTrue(metrics.contains("secureconnect_dynamodb_calls_seconds_bucket{"), "DynamoDB latency histogram");
        assertTrue(metrics.contains("http_server_requests_seconds_bucket{"), "HTTP latency histogram");
        assertTrue(!metrics.contains("table=\"sc-"), "a physical table name in a label");
    }

    private static String grep(String text, String word) {
        return String.join("\n", text.lines().filter(line -> line.contains(word)).limit(20).toList());
    }

    @Test
    void operationalEndpointsAreNotOnThePublicPort() {
        for (String path : List.of("/q/metrics", "/q/openapi", "/q/openapi?format=json", "/q/health", "/q/health/ready")) {
            int status = given().get(path).then().extract().statusCode();
            assertEquals(404, status, path + " on the public port");
        }
        int admin = given().auth().oauth2(TestTokens.forUser("root", "user", "admin")).get("/q/metrics").then()
                .extract().statusCode();
        assertEquals(404, admin, "/q/metrics with a token on the public port");
    }

    @Test
    void publishesOpenApiWithBearerSecurityOnTheManagementPort() {
        ManagementInterface.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/session"))
                .body("components.securitySchemes.SecurityScheme.scheme", equalTo("bearer"));
    }

    @Test
    void userEndpointsRefuseServiceAccountsOtherClientsAndTokensWithoutTheUserRole() {
        for (UserEndpoint endpoint : userEndpoints()) {
            // Client credentials of one of the realm's service clients: no user, no role.
            call(endpoint, TestTokens.serviceAccount(serviceName())).then().statusCode(403)
                    .contentType("application/problem+json");
            // Even a service account that was granted role user is not an end user of a user-facing app.
            call(endpoint, TestTokens.serviceAccount("payment-service", "user")).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("CLIENT_NOT_ALLOWED"));
            // A real user's token, but obtained through a client the services do not list (the test client).
            call(endpoint, TestTokens.viaClient("secureconnect-e2e", USER, "user")).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("CLIENT_NOT_ALLOWED"));
            // A user whose role user was taken away (a ban).
            call(endpoint, TestTokens.withoutRoles(USER)).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("FORBIDDEN"));
            call(endpoint, null).then().statusCode(401);
            if (endpoint.body() == null) {
                int status = call(endpoint, TestTokens.forUser(USER, "user")).then().extract().statusCode();
                assertTrue(status != 401 && status != 403, endpoint + " refused a user's token: " + status);
                int viaWeb = call(endpoint, TestTokens.viaClient("secureconnect-web", USER, "user")).then().extract()
                        .statusCode();
                assertTrue(viaWeb != 401 && viaWeb != 403, endpoint + " refused a web client's token: " + viaWeb);
            }
        }
    }

    @Test
    void publicEndpointsStayPublic() {
        for (String path : publicEndpoints()) {
            int status = given().get(path).then().extract().statusCode();
            assertTrue(status != 401 && status != 403, path + " answered " + status + " without a token");
        }
    }

    private static io.restassured.response.Response call(UserEndpoint endpoint, String token) {
        var request = given().headers(endpoint.headers());
        if (token != null) {
            request = request.auth().oauth2(token);
        }
        if (endpoint.body() != null) {
            request = request.contentType(ContentType.JSON).body(endpoint.body());
        }
        return request.request(endpoint.method(), endpoint.path());
    }
}
