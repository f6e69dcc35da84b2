package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The real engines behind the services, and what the services provisioned in them at startup. */
class InfrastructureIT {

    @Test
    void kafkaBrokerAnswersAndTheServicesCreatedTheirTopics() throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, E2eConfig.kafkaBootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(props)) {
            assertEquals(1, admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).size(), "one broker");
            Set<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            for (String topic : List.of("accounts", "usage-events", "balances", "payments")) {
                assertTrue(topics.contains(topic), "topic " + topic + " exists: " + topics);
            }
            ConfigResource balances = new ConfigResource(ConfigResource.Type.TOPIC, "balances");
            Config config = admin.describeConfigs(List.of(balances)).all().get(15, TimeUnit.SECONDS).get(balances);
            assertTrue(config.get("cleanup.policy").value().contains("compact"),
                    "balances is compacted: " + config.get("cleanup.policy"));
        }
    }

    @Test
    void dynamodbApiListsTheServicesTables() {
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        HttpResponse<String> response = Http.postJson(E2eConfig.dynamodbUrl(), Map.of(
                "Content-Type", "application/x-amz-json-1.0",
                "X-Amz-Target", "DynamoDB_20120810.ListTables",
                "X-Amz-Date", amzDate,
                // dynoxide wants a well-formed SigV4 header but does not verify the signature.
                "Authorization", "AWS4-HMAC-SHA256 Credential=local/" + amzDate.substring(0, 8)
                        + "/eu-central-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0"), "{}");
        assertEquals(200, response.statusCode(), response.body());
        List<String> tables = new ArrayList<>();
        Http.json(response).path("TableNames").forEach(t -> tables.add(t.asText()));
        assertTrue(tables.stream().anyMatch(t -> t.startsWith(E2eConfig.dynamodbTablePrefix())),
                "tables with prefix " + E2eConfig.dynamodbTablePrefix() + ": " + tables);
    }

    @Test
    void s3ApiRefusesAnonymousRequests() {
        HttpResponse<String> response = Http.get(E2eConfig.s3Url() + "/");
        assertEquals(403, response.statusCode(), response.body());
        assertTrue(response.body().contains("AccessDenied"), response.body());
    }

    @Test
    void keycloakJwksPublishesTheSigningKey() {
        HttpResponse<String> response = Http.get(E2eConfig.issuer() + "/protocol/openid-connect/certs");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode keys = Http.json(response).get("keys");
        String kid = Jwt.header(Keycloak.accessToken(E2eConfig.ALICE)).get("kid").asText();
        boolean found = false;
        for (JsonNode key : keys) {
            found |= kid.equals(key.path("kid").asText());
        }
        assertTrue(found, "kid " + kid + " in " + keys);
    }
}
