package net.secureconnect.e2e;

import java.util.List;

/**
 * Where the local stack runs and which development-only accounts the realm import created.
 * Defaults follow docs/conventions.md and deploy/keycloak/secureconnect-realm.json; every value can be
 * overridden with a system property {@code -De2e.<name>=...} (Maven passes them to the test JVM).
 */
final class E2eConfig {

    private E2eConfig() {
    }

    static String prop(String name, String defaultValue) {
        return System.getProperty("e2e." + name, defaultValue);
    }

    static String keycloakUrl() {
        return prop("keycloak.url", "http://127.0.0.1:" + prop("keycloak.port", "8180"));
    }

    static String realm() {
        return prop("realm", "secureconnect");
    }

    /** The issuer every service is configured with (OIDC_AUTH_SERVER_URL). */
    static String issuer() {
        return keycloakUrl() + "/realms/" + realm();
    }

    static String tokenEndpoint() {
        return issuer() + "/protocol/openid-connect/token";
    }

    /** Public client with direct access grants (the CLI's). */
    static String cliClientId() {
        return prop("cli.client", "secureconnect-cli");
    }

    /** Public client whose access tokens live a few seconds (client attribute access.token.lifespan). */
    static String shortLivedClientId() {
        return prop("short-lived.client", "secureconnect-e2e");
    }

    static String kafkaBootstrap() {
        return prop("kafka.bootstrap", "127.0.0.1:9092");
    }

    static String dynamodbUrl() {
        return prop("dynamodb.url", "http://127.0.0.1:8000");
    }

    static String dynamodbTablePrefix() {
        return prop("dynamodb.table-prefix", "sc-");
    }

    static String s3Url() {
        return prop("s3.url", "http://127.0.0.1:8333");
    }

    /** Seconds after a token's exp within which every service must have started refusing it. */
    static long expiryGraceSeconds() {
        return Long.parseLong(prop("expiry-grace-seconds", "30"));
    }

    record TestUser(String username, String password, String totpSecretBase32) {
    }

    static final TestUser ALICE = new TestUser(
            prop("alice.username", "e2e-alice"),
            prop("alice.password", "e2e-alice-dev-only-pw"),
            prop("alice.totp-secret", "WVKVDIV6PI7T7LXYQAEBTHWEZK6J4X3T"));

    /** Holder of the short-lived (expiring) tokens, so that Alice's TOTP steps go to the other tests. */
    static final TestUser BOB = new TestUser(
            prop("bob.username", "e2e-bob"),
            prop("bob.password", "e2e-bob-dev-only-pw"),
            prop("bob.totp-secret", "HNQS7OZPZ2XYEXLZBXCH4A3Y5VXXLD2E"));

    static final TestUser ADMIN = new TestUser(
            prop("admin.username", "e2e-admin"),
            prop("admin.password", "e2e-admin-dev-only-pw"),
            prop("admin.totp-secret", "DXKOAA5ODAURS6DPQZMNY7FBQG7HMU6F"));

    /** A service's public URL and its management interface (health, metrics, OpenAPI; docs/conventions.md). */
    record Service(String name, String baseUrl, String managementUrl) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Service> services() {
        return List.of(
                service("identity-service", "8081", "9081"),
                service("relay-service", "8082", "9082"),
                service("wallet-service", "8083", "9083"),
                service("media-service", "8084", "9084"),
                service("payment-service", "8085", "9085"));
    }

    private static Service service(String name, String defaultPort, String defaultManagementPort) {
        String port = prop(name + ".port", defaultPort);
        String managementPort = prop(name + ".management-port", defaultManagementPort);
        return new Service(name, prop(name + ".url", "http://127.0.0.1:" + port),
                prop(name + ".management-url", "http://127.0.0.1:" + managementPort));
    }

    /** Keycloak's master-realm administrator, set by the local stack (development only). */
    static String keycloakAdminUser() {
        return prop("keycloak.admin.user", "admin");
    }

    static String keycloakAdminPassword() {
        return prop("keycloak.admin.password", "admin");
    }

    /** The browser app's public client: authorization code + PKCE only. */
    static String webClientId() {
        return prop("web.client", "secureconnect-web");
    }
}
