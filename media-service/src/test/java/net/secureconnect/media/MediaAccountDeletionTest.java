package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.EventJson;
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

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AccountDeleted, published on the real broker as identity publishes it: the account's files go from the store,
 * its pending upload's hold is released once (the completed file's charge stays), its keys go; nobody else's
 * media is touched, and a second delivery changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaAccountDeletionTest {

    private static final String BUCKET = "secureconnect-media";

    @Inject
    S3Client s3;

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void aDeletedAccountsFilesAndUploadsGoAndItsPendingHoldIsReleasedOnce() throws Exception {
        String gone = newUser();
        String other = newUser();
        TestWallet.topUp(gone, 10);
        TestWallet.topUp(other, 10);
        String file = completedFile(gone);
        String pending = as(gone).header("Idempotency-Key", "k1").body("{\"size\":64}").post("/media/uploads")
                .then().statusCode(201).extract().path("mediaId");
        String othersFile = completedFile(other);
        assertEquals(4, TestWallet.balance(gone));

        AccountDeleted deleted = new AccountDeleted("deleted-" + UUID.randomUUID(), Instant.now(),
                TestTokens.subjectOf(gone));
        publish(deleted);
        TestWallet.awaitBalance(gone, balance -> balance == 7); // the pending upload's hold, released
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!TestWallet.ledgerKinds(gone).contains("CLOSED")) { // the wallet's own handling of the event
            assertTrue(System.nanoTime() < deadline, "the wallet did not close");
            TestWallet.sleepMillis(200);
        }
        awaitGone(file);
        as(other).get("/media/" + file).then().statusCode(404);
        as(gone).post("/media/uploads/" + pending + "/complete").then().statusCode(410);
        assertLedger(gone);

        // The other account's file is untouched.
        as(gone).get("/media/" + othersFile).then().statusCode(200);
        s3.headObject(b -> b.bucket(BUCKET).key(othersFile));
        assertEquals(7, TestWallet.balance(other));

        // A redelivery (at least once) releases nothing twice.
        publish(deleted);
        String marker = completedFile(other); // processed in order after the redelivery on the same consumer
        TestWallet.sleepMillis(2000);
        assertEquals(7, TestWallet.balance(gone));
        assertLedger(gone);
        as(other).get("/media/" + marker).then().statusCode(200);
    }

    /**
     * Two uploads paid, the pending one released once; the wallet also closed the account on the same event (its
     * CLOSED entry may come before or after the release: they arrive on different topics).
     */
    private static void assertLedger(String user) {
        List<String> kinds = TestWallet.ledgerKinds(user);
        assertEquals(List.of("PURCHASE", "USAGE", "USAGE", "RELEASE"),
                kinds.stream().filter(kind -> !kind.equals("CLOSED")).toList(), kinds.toString());
        assertEquals(1, kinds.stream().filter(kind -> kind.equals("CLOSED")).count(), kinds.toString());
    }

    private String completedFile(String user) {
        byte[] bytes = randomBytes(128);
        var slot = as(user).body("{\"size\":128}").post("/media/uploads").then().statusCode(201).extract();
        assertEquals(200, Http.put(slot.path("uploadUrl"), bytes));
        as(user).post("/media/uploads/" + slot.path("mediaId") + "/complete").then().statusCode(200);
        return slot.path("mediaId");
    }

    private void awaitGone(String mediaId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                s3.headObject(b -> b.bucket(BUCKET).key(mediaId));
            } catch (NoSuchKeyException removed) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "object " + mediaId + " still stored");
            TestWallet.sleepMillis(200);
        }
    }

    private static void publish(AccountDeleted event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.ACCOUNTS.topicName(), event.accountId(), EventJson.encode(event)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
