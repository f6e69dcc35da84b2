package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.media.model.MediaItem;
import net.secureconnect.media.model.MediaItem.State;
import net.secureconnect.media.repository.MediaStore;
import net.secureconnect.media.service.MediaService;
import net.secureconnect.media.support.AdjustableClock;
import net.secureconnect.media.support.Http;
import net.secureconnect.media.support.TestWallet;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaBroker;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import net.secureconnect.testsupport.TestTokens;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FILE_TRANSFER hold (3 credits) under concurrency and expiry, with the real wallet: every hold taken once,
 * given back once when the upload never completes, never lost, never on another account. Concurrent requests start
 * together behind a latch and every order they can take is a valid one, so each test asserts what must hold in all
 * of them (no timing); expiry is a step of the test (media-service's clock moved past the upload window), not a wait.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaHoldTest {

    private static final String BUCKET = "secureconnect-media";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Inject
    MediaService media;

    @Inject
    MediaStore store;

    @Inject
    S3Client s3;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void anUploadNeverCompletedIsSweptAndItsHoldReleased() {
        String heidi = newUser();
        TestWallet.topUp(heidi, 10);
        String mediaId = as(heidi).body("{\"size\":64}").post("/media/uploads").then().statusCode(201)
                .extract().path("mediaId");
        Response second = as(heidi).body("{\"size\":64}").post("/media/uploads").then().statusCode(201)
                .extract().response();
        // The second slot's bytes arrive but it is never completed: the object goes with the slot.
        assertEquals(200, Http.put(second.path("uploadUrl"), randomBytes(64)));
        assertEquals(4, TestWallet.balance(heidi), "two holds of 3");

        sweepAfterTheUploadWindow();
        TestWallet.awaitBalance(heidi, balance -> balance == 10);
        assertEquals(List.of("PURCHASE", "USAGE", "USAGE", "RELEASE", "RELEASE"), TestWallet.ledgerKinds(heidi));
        as(heidi).post("/media/uploads/" + mediaId + "/complete").then().statusCode(410)
                .body("code", equalTo("MEDIA_GONE"));
        assertThrows(NoSuchKeyException.class,
                () -> s3.headObject(b -> b.bucket(BUCKET).key(second.<String>path("mediaId"))));
    }

    /**
     * The interleaving that lost a hold: a request stores its slot and stalls before publishing the AUTHORIZE; the
     * slot is removed meanwhile (upload window over, owner or account deleted) and its RELEASE published; then the
     * request publishes the AUTHORIZE. The wallet, reading the RELEASE first, had nothing to release (it parks such
     * a RELEASE as poison) and then debited the AUTHORIZE: 3 credits gone for a slot that never got a URL. The test
     * plays that request with the real store and the real broker: the slot row as {@code MediaService} writes it
     * before publishing, then, after the sweep, the very AUTHORIZE it publishes.
     */
    @Test
    void aReleaseIsNeverOvertakenByTheAuthorizationItGivesBack() throws Exception {
        String ivan = newUser();
        TestWallet.topUp(ivan, 10);
        String account = TestTokens.subjectOf(ivan);
        Instant created = Instant.now().minus(Duration.ofHours(1));
        String mediaId = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(18));
        String authorization = EventIds.derive("media-authorize", account, mediaId);
        store.create(new MediaItem(mediaId, account, 64, State.PENDING, authorization, created,
                created.plus(Duration.ofMinutes(59)), null, false, null));

        awaitRemoved(mediaId);
        publish(new UsageEvent(authorization, created, account, UsageKind.FILE_TRANSFER, 1, UsageMode.AUTHORIZE,
                mediaId, "media-service"));
        // A real upload after it: its 201 means the wallet has applied everything before it on the account's partition.
        as(ivan).body("{\"size\":64}").post("/media/uploads").then().statusCode(201);

        assertEquals(7, TestWallet.balance(ivan), "only the real upload's hold: the stalled one was given back");
        assertEquals(List.of("PURCHASE", "USAGE", "RELEASE", "USAGE"), TestWallet.ledgerKinds(ivan));
    }

    @Test
    void concurrentUploadsHoldExactlyWhatTheBalancePays() throws Exception {
        String judy = newUser();
        TestWallet.topUp(judy, 10);
        List<Integer> answers = together(6, i -> () -> post(judy, "media/uploads", "{\"size\":64}"));

        assertEquals(3, Collections.frequency(answers, 201), "answers " + answers);
        assertEquals(3, Collections.frequency(answers, 402), "answers " + answers);
        assertEquals(1, TestWallet.balance(judy));
        List<String> kinds = TestWallet.ledgerKinds(judy);
        assertEquals(3, Collections.frequency(kinds, "USAGE"), "ledger " + kinds);
        assertEquals(1, Collections.frequency(kinds, "PURCHASE"), "ledger " + kinds);
    }

    /**
     * The owner's DELETE and {@code complete} at the same moment, on several slots: whichever wins, the file is gone
     * afterwards (the owner asked for it), and the hold is given back exactly when the upload was not completed.
     */
    @Test
    void completeAndDeleteAtOnceSettleEachSlotOnce() throws Exception {
        String karl = newUser();
        TestWallet.topUp(karl, 30);
        int slots = 6;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            Response upload = as(karl).body("{\"size\":64}").post("/media/uploads").then().statusCode(201)
                    .extract().response();
            assertEquals(200, Http.put(upload.path("uploadUrl"), randomBytes(64)));
            ids.add(upload.path("mediaId"));
        }

        int released = 0;
        for (String id : ids) {
            List<Integer> answers = together(2, i -> i == 0
                    ? () -> post(karl, "media/uploads/" + id + "/complete", "")
                    : () -> delete(karl, "media/" + id));
            int completed = answers.get(0);
            assertTrue(List.of(200, 409, 410).contains(completed), "complete answered " + completed);
            assertEquals(204, answers.get(1));
            released += completed == 200 ? 0 : 1;
            as(karl).get("/media/" + id).then().statusCode(404);
            assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket(BUCKET).key(id)));
        }
        as(karl).body("{\"size\":64}").post("/media/uploads").then().statusCode(201); // everything before is applied

        assertEquals(30 - 3 * slots + 3 * released - 3, TestWallet.balance(karl), released + " released");
        assertEquals(released, Collections.frequency(TestWallet.ledgerKinds(karl), "RELEASE"));
    }

    /** Moves media-service's time past the upload window and runs one sweep over everything due then. */
    private void sweepAfterTheUploadWindow() {
        AdjustableClock.advance(Duration.ofHours(1).plusSeconds(1));
        try {
            media.sweep();
        } finally {
            AdjustableClock.reset();
        }
    }

    private void awaitRemoved(String mediaId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (store.find(mediaId).orElseThrow().state() != State.REMOVED) {
            assertTrue(System.nanoTime() < deadline, "slot " + mediaId + " not removed by the sweep");
            media.sweep();
        }
    }

    /** Runs {@code n} requests released at once by a latch; their answers in the order of {@code requests}. */
    private static List<Integer> together(int n, java.util.function.IntFunction<Callable<Integer>> requests)
            throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch ready = new CountDownLatch(n);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<Integer> request = requests.apply(i);
                answers.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return request.call();
                }));
            }
            ready.await();
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(120, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            threads.shutdownNow();
        }
    }

    private int post(String user, String path, String json) throws IOException, InterruptedException {
        return send(user, path, HttpRequest.newBuilder().header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private int delete(String user, String path) throws IOException, InterruptedException {
        return send(user, path, HttpRequest.newBuilder().DELETE());
    }

    private int send(String user, String path, HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.uri(URI.create(base + path)).header("Authorization", "Bearer " + TestTokens.forUser(user))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void publish(UsageEvent event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.USAGE_EVENTS.topicName(), event.accountId(), EventJson.encode(event)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
