package net.secureconnect.media.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.testsupport.ServiceProcess;
import net.secureconnect.testsupport.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * The real wallet-service (its packaged jar, built earlier in the reactor) as a child process on the test JVM's
 * broker and dynoxide: it answers media's authorizations and releases exactly as in production. Top-ups are
 * CreditsPurchased events on {@code payments}, as payment-service publishes them.
 */
public final class TestWallet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServiceProcess wallet;
    private static KafkaProducer<String, byte[]> producer;

    private TestWallet() {
    }

    public static synchronized ServiceProcess get() {
        if (wallet == null || !wallet.alive()) {
            Path jar = Path.of(System.getProperty("wallet.app", "../wallet-service/target/quarkus-app/quarkus-run.jar"));
            wallet = ServiceProcess.start("wallet-service", jar, Map.of());
        }
        return wallet;
    }

    /** Buys {@code credits} for the user and waits until the wallet shows them. */
    public static void topUp(String user, long credits) {
        long before = balance(user);
        String account = TestTokens.subjectOf(user);
        CreditsPurchased purchase = new CreditsPurchased("buy-" + UUID.randomUUID(), Instant.now(), account,
                "pay-" + UUID.randomUUID(), credits, credits * 10, "EUR");
        try {
            producer().send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), account, EventJson.encode(purchase)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("top-up not published", e);
        }
        awaitBalance(user, balance -> balance == before + credits);
    }

    public static long balance(String user) {
        return wallet(user).path("balance").asLong();
    }

    /** Waits until the user's balance satisfies {@code condition}; returns it. */
    public static long awaitBalance(String user, LongPredicate condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long balance = balance(user);
        while (!condition.test(balance)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("balance of " + user + " stuck at " + balance);
            }
            sleep(100);
            balance = balance(user);
        }
        return balance;
    }

    /** The kinds of the user's ledger entries, oldest first. */
    public static List<String> ledgerKinds(String user) {
        JsonNode page = getJson(user, "/wallet/ledger?limit=200");
        List<String> kinds = new ArrayList<>();
        page.path("entries").forEach(entry -> kinds.add(0, entry.path("kind").asText()));
        return kinds;
    }

    private static JsonNode wallet(String user) {
        return getJson(user, "/wallet");
    }

    private static JsonNode getJson(String user, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(get().url(path)))
                    .header("Authorization", "Bearer " + TestTokens.forUser(user)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("wallet " + path + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    public static void sleepMillis(long millis) {
        sleep(millis);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
