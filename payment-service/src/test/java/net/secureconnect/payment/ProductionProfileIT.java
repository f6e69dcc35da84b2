package net.secureconnect.payment;

import net.secureconnect.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service in the prod profile (what {@code java -jar} runs when nothing says otherwise) refuses
 * to start with what only the dev, test and local profiles may use, and says why. The passing case, prod with
 * a real gateway, is {@link RazorpayWebhookIT}.
 */
class ProductionProfileIT {

    static final Path APP = Path.of(System.getProperty("payment.it.app", "target/quarkus-app/quarkus-run.jar"));

    @Test
    void theSandboxDefaultsStopTheServiceWithAClearMessage() {
        String log = failedStart("payment-prod-defaults", Map.of());
        assertTrue(log.contains("payment-service refuses to start in profile prod"), log);
        assertTrue(log.contains("payment.gateway (PAYMENT_GATEWAY) is not set"), log);
    }

    @Test
    void theSandboxNamedExplicitlyWithItsPublicSecretStopsTheService() {
        String log = failedStart("payment-prod-sandbox", Map.of("payment.gateway", "sandbox",
                "payment.sandbox.webhook-secret", "whsec_sandbox_local_only"));
        assertTrue(log.contains("payment.gateway=sandbox moves no money"), log);
        assertTrue(log.contains("payment.sandbox.webhook-secret is the sandbox's public webhook secret"), log);
    }

    @Test
    void aDevOnlyClientSecretStopsAnOtherwiseConfiguredService() {
        Map<String, String> settings = new HashMap<>(RazorpayWebhookIT.razorpaySettings("http://127.0.0.1:9"));
        settings.put("quarkus.oidc.credentials.secret", "dev-only-payment-service-secret-xagS95GB-dbKg6XR7oUt64cL");
        String log = failedStart("payment-prod-devsecret", settings);
        assertTrue(log.contains("quarkus.oidc.credentials.secret is a dev-only- secret"), log);
        assertTrue(!log.contains("xagS95GB"), "the secret's value is not logged");
    }

    /** Starts the packaged service, expects it to exit, and returns its whole log. */
    static String failedStart(String name, Map<String, String> settings) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServiceProcess.start(name, APP, settings).stop());
        assertTrue(e.getMessage().startsWith(name + " exited"), e.getMessage());
        try (Stream<Path> logs = Files.list(Path.of(System.getProperty("user.dir"), "target"))) {
            Path log = logs.filter(p -> p.getFileName().toString().startsWith("it-" + name + "-"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified())).orElseThrow();
            return Files.readString(log);
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }
}
