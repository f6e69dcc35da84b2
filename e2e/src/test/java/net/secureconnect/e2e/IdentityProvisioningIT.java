package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A person new to the system, end to end against the real Keycloak: an account is registered in the
 * realm (admin API, with a password and an enrolled TOTP secret), logs in with password and a TOTP code,
 * and the first call to identity-service with that token provisions a SecureConnect account and
 * publishes AccountCreated. The same login without the TOTP code is refused by Keycloak.
 */
class IdentityProvisioningIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String REALM_ADMIN_URL = E2eConfig.keycloakUrl() + "/admin/realms/" + E2eConfig.realm();

    private static E2eConfig.TestUser newcomer;
    private static String keycloakUserId;

    @BeforeAll
    static void registerANewUserWithPasswordAndTotp() {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        newcomer = new E2eConfig.TestUser("e2e-newcomer-" + UUID.randomUUID().toString().substring(0, 8),
                "newcomer-" + UUID.randomUUID(), base32(secret));
        String user = """
                {"username": "%s", "enabled": true, "requiredActions": [],
                 "credentials": [
                   {"type": "password", "value": "%s", "temporary": false},
                   {"type": "otp", "secretData": "{\\"value\\": \\"%s\\"}",
                    "credentialData": "{\\"subType\\": \\"totp\\", \\"digits\\": 6, \\"counter\\": 0, \\"period\\": 30, \\"algorithm\\": \\"HmacSHA1\\", \\"secretEncoding\\": \\"BASE32\\"}"}]}
                """.formatted(newcomer.username(), newcomer.password(), newcomer.totpSecretBase32());
        HttpResponse<String> created = Http.postJson(REALM_ADMIN_URL + "/users",
                Map.of("Authorization", "Bearer " + adminToken(), "Content-Type", "application/json"), user);
        assertEquals(201, created.statusCode(), "user created: " + created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        keycloakUserId = location.substring(location.lastIndexOf('/') + 1);
        // The realm adds its default required action CONFIGURE_TOTP to every new user, whatever the request
        // says. The authenticator is enrolled already (the otp credential above), so clear the action, as
        // finishing the enrolment page would.
        HttpResponse<String> enrolled = send("PUT", REALM_ADMIN_URL + "/users/" + keycloakUserId, adminToken(),
                "{\"requiredActions\": []}");
        assertEquals(204, enrolled.statusCode(), enrolled.body());
    }

    @AfterAll
    static void removeTheUserFromKeycloak() {
        if (keycloakUserId != null) {
            send("DELETE", REALM_ADMIN_URL + "/users/" + keycloakUserId, adminToken(), null);
        }
    }

    @Test
    void theNewUserLogsInWithTotpAndIsProvisionedOnTheFirstCall() {
        Keycloak.TokenResponse login = Keycloak.login(E2eConfig.cliClientId(), newcomer);
        assertEquals(200, login.status(), login.body().toString());
        String token = login.accessToken();
        String subject = Jwt.claims(token).get("sub").asText();

        String identity = identityServiceUrl();
        HttpResponse<String> first = Http.get(identity + "/v1/accounts/me", token);
        assertEquals(200, first.statusCode(), first.body());
        String accountId = Http.json(first).path("accountId").asText();
        assertEquals(subject, accountId, "the account id is the OIDC subject (docs/identity.md)");
        assertEquals(0, Http.json(first).path("devices").size());

        HttpResponse<String> again = Http.get(identity + "/v1/accounts/me", token);
        assertEquals(accountId, Http.json(again).path("accountId").asText(), "one account per subject");
        HttpResponse<String> session = Http.get(identity + "/v1/session", token);
        assertEquals(subject, Http.json(session).path("subject").asText());

        List<JsonNode> events = accountEvents(accountId, "AccountCreated");
        assertEquals(1, events.size(), "one AccountCreated: " + events);

        // Leave nothing behind: the account goes again (and says so on the topic).
        HttpResponse<String> deleted = send("DELETE", identity + "/v1/accounts/" + accountId, token, null);
        assertEquals(204, deleted.statusCode(), deleted.body());
        assertEquals(1, accountEvents(accountId, "AccountDeleted").size());
    }

    @Test
    void theSameLoginWithoutTheTotpCodeIsRefused() {
        KeycloakLoginIT.assertRefused(Keycloak.failingPasswordGrant(E2eConfig.cliClientId(), newcomer, null));
    }

    private static String identityServiceUrl() {
        return E2eConfig.services().stream().filter(s -> s.name().equals("identity-service")).findFirst()
                .orElseThrow().baseUrl();
    }

    /** The account's events of one type on topic accounts, read from the start until one shows up. */
    private static List<JsonNode> accountEvents(String accountId, String type) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, E2eConfig.kafkaBootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("accounts").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<JsonNode> found = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            // Read everything up to the end offsets, then keep polling until the event is there.
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (accountId.equals(record.key())) {
                        JsonNode event = Http.JSON.readTree(record.value());
                        assertEquals(accountId, event.path("accountId").asText());
                        if (type.equals(event.path("type").asText())) {
                            found.add(event);
                        }
                    }
                }
                boolean caughtUp = partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                if (caughtUp && !found.isEmpty()) {
                    return found;
                }
            }
            return found;
        } catch (java.io.IOException e) {
            throw new AssertionError("an event on accounts is not JSON", e);
        }
    }

    /** An admin token of Keycloak's master realm (credentials set by the local stack). */
    private static String adminToken() {
        HttpResponse<String> response = Http.postForm(
                E2eConfig.keycloakUrl() + "/realms/master/protocol/openid-connect/token", Map.of(
                        "grant_type", "password",
                        "client_id", "admin-cli",
                        "username", E2eConfig.prop("keycloak.admin.username", "admin"),
                        "password", E2eConfig.prop("keycloak.admin.password", "admin")));
        assertEquals(200, response.statusCode(), "Keycloak admin login: " + response.body());
        return Http.json(response).path("access_token").asText();
    }

    private static HttpResponse<String> send(String method, String url, String bearerToken, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearerToken);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return CLIENT.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(method + " " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4648 base32 without padding, the form authenticator apps and Keycloak's BASE32 encoding use. */
    static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
