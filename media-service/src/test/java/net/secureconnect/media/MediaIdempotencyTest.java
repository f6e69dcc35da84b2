package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import net.secureconnect.media.support.Http;
import net.secureconnect.media.support.TestWallet;
import net.secureconnect.runtime.dynamodb.TableNames;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static net.secureconnect.media.MediaUploadTest.as;
import static net.secureconnect.media.MediaUploadTest.newUser;
import static net.secureconnect.media.MediaUploadTest.randomBytes;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upload requests are idempotent per account and Idempotency-Key, rate limited per account, and a refused one
 * leaves nothing: against the real wallet (child process), Kafka broker, dynoxide and s3proxy.
 */
@QuarkusTest
@TestProfile(MediaIdempotencyTest.Tight.class)
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaIdempotencyTest {

    static final int RATE = 3;
    private static final String BUCKET = "secureconnect-media";
    private static final int MULTIPART = 12 * 1024 * 1024; // above the test threshold of 8 MiB

    public static class Tight implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("secureconnect.media.wallet-timeout", "3s",
                    "secureconnect.media.upload-rate-capacity", Integer.toString(RATE),
                    "secureconnect.media.upload-rate-refill-every", "1h",
                    "secureconnect.media.sweep-interval", "500ms");
        }
    }

    @Inject
    S3Client s3;

    @Inject
    DynamoDbClient dynamo;

    @Inject
    TableNames tables;

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void theSameKeyAndBodyGiveTheSameSlotAndOneHold() {
        String alice = newUser();
        TestWallet.topUp(alice, 10);
        String key = UUID.randomUUID().toString();
        ExtractableResponse<Response> first = upload(alice, key, 4096).then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue()).extract();
        ExtractableResponse<Response> again = upload(alice, key, 4096).then().statusCode(201)
                .header("Idempotent-Replayed", "true").extract();
        assertEquals(first.<String>path("mediaId"), again.path("mediaId"));
        assertEquals(7, TestWallet.balance(alice), "one hold for both");

        // The replay's URL works like the first one and the slot completes once.
        assertEquals(200, Http.put(again.path("uploadUrl"), randomBytes(4096)));
        as(alice).post("/media/uploads/" + again.path("mediaId") + "/complete").then().statusCode(200);
        upload(alice, key, 4096).then().statusCode(409).body("code", equalTo("UPLOAD_ALREADY_COMPLETED"));
        assertEquals(List.of("PURCHASE", "USAGE"), TestWallet.ledgerKinds(alice));
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndChargesNothingMore() {
        String bob = newUser();
        TestWallet.topUp(bob, 10);
        String key = "k-" + UUID.randomUUID();
        upload(bob, key, 100).then().statusCode(201);
        upload(bob, key, 101).then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        as(bob).header("Idempotency-Key", "with space").body("{\"size\":100}").post("/media/uploads").then()
                .statusCode(400).body("code", equalTo("IDEMPOTENCY_KEY_INVALID"));
        assertEquals(7, TestWallet.balance(bob));
    }

    /** Hostile: mallory replays alice's key (learnt somehow): keys are per account, she gets and pays her own slot. */
    @Test
    void anotherAccountReusingSomeonesKeyGetsItsOwnSlot() {
        String alice = newUser();
        String mallory = newUser();
        TestWallet.topUp(alice, 10);
        TestWallet.topUp(mallory, 10);
        String key = "shared-" + UUID.randomUUID();
        String alicesSlot = upload(alice, key, 512).then().statusCode(201).extract().path("mediaId");
        ExtractableResponse<Response> mallorys = upload(mallory, key, 512).then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue()).extract();
        assertNotEquals(alicesSlot, mallorys.path("mediaId"));
        assertEquals(7, TestWallet.balance(alice));
        assertEquals(7, TestWallet.balance(mallory));
        // Her repeat is her own replay; alice's slot stays out of her reach.
        upload(mallory, key, 512).then().statusCode(201).body("mediaId", equalTo(mallorys.path("mediaId")));
        as(mallory).post("/media/uploads/" + alicesSlot + "/complete").then().statusCode(403);
    }

    @Test
    void newSlotsAreRateLimitedPerAccountButReplaysAndOthersAreNot() {
        String dave = newUser();
        TestWallet.topUp(dave, 30);
        String key = "rate-" + UUID.randomUUID();
        upload(dave, key, 10).then().statusCode(201);
        for (int i = 1; i < RATE; i++) {
            upload(dave, null, 10).then().statusCode(201);
        }
        ExtractableResponse<Response> refused = upload(dave, null, 10).then().statusCode(429)
                .contentType("application/problem+json").body("code", equalTo("RATE_LIMITED"))
                .header("Retry-After", notNullValue()).extract();
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3600, "Retry-After " + retryAfter);
        upload(dave, "other-" + UUID.randomUUID(), 10).then().statusCode(429);
        upload(dave, key, 10).then().statusCode(201).header("Idempotent-Replayed", "true");
        assertEquals(30 - 3 * RATE, TestWallet.balance(dave), "the refused requests charged nothing");
        // Another account's bucket is its own.
        String erin = newUser();
        TestWallet.topUp(erin, 10);
        upload(erin, null, 10).then().statusCode(201);
    }

    /**
     * 402 on a multipart upload: the store's multipart upload is aborted, no slot row stays, the key is given back
     * (after a top-up the same key opens a slot).
     */
    @Test
    void aRefusedMultipartUploadLeavesNothingOpen() {
        String frank = newUser();
        TestWallet.topUp(frank, 2);
        Set<String> openBefore = openUploads();
        String key = "refused-" + UUID.randomUUID();
        upload(frank, key, MULTIPART).then().statusCode(402).body("code", equalTo("INSUFFICIENT_CREDITS"));
        assertEquals(openBefore, openUploads(), "no multipart upload left open");
        assertTrue(slotsOf(frank).isEmpty(), "no slot row left");
        assertEquals(2, TestWallet.balance(frank));

        TestWallet.topUp(frank, 1);
        ExtractableResponse<Response> paid = upload(frank, key, MULTIPART).then().statusCode(201)
                .header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue())
                .body("method", equalTo("MULTIPART")).extract();
        assertEquals(0, TestWallet.balance(frank));
        assertEquals(1, slotsOf(frank).size());
        as(frank).delete("/media/" + paid.path("mediaId")).then().statusCode(204);
        TestWallet.awaitBalance(frank, balance -> balance == 3);
        assertFalse(openUploads().contains(paid.<String>path("mediaId")), "a cancelled upload's parts are aborted");
    }

    /**
     * A refusal a crash interrupted (REFUSED row, multipart upload still open) is finished by the sweep: the upload
     * is aborted and the row goes.
     */
    @Test
    void theSweepAbortsTheMultipartUploadOfARefusedSlot() {
        String mediaId = UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(mediaId)).uploadId();
        assertTrue(openUploads().contains(mediaId));
        Instant now = Instant.now();
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("mediaId", AttributeValue.fromS(mediaId));
        row.put("owner", AttributeValue.fromS(TestTokens.subjectOf(newUser())));
        row.put("size", AttributeValue.fromN(Integer.toString(MULTIPART)));
        row.put("state", AttributeValue.fromS("REFUSED"));
        row.put("authorization", AttributeValue.fromS("auth-" + mediaId));
        row.put("createdAt", AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        row.put("dueAt", AttributeValue.fromN(Long.toString(now.plus(Duration.ofHours(1)).toEpochMilli())));
        row.put("uploadId", AttributeValue.fromS(uploadId));
        dynamo.putItem(b -> b.tableName(tables.physical("media")).item(row));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (openUploads().contains(mediaId) || rowExists(mediaId)) {
            assertTrue(System.nanoTime() < deadline, "the sweep did not abort the refused slot's upload");
            TestWallet.sleepMillis(200);
        }
    }

    private static io.restassured.response.Response upload(String user, String key, long size) {
        var request = as(user).body("{\"size\":" + size + "}");
        if (key != null) {
            request = request.header("Idempotency-Key", key);
        }
        return request.post("/media/uploads");
    }

    private Set<String> openUploads() {
        return s3.listMultipartUploads(b -> b.bucket(BUCKET)).uploads().stream().map(MultipartUpload::key)
                .collect(Collectors.toSet());
    }

    private List<Map<String, AttributeValue>> slotsOf(String user) {
        return dynamo.scan(b -> b.tableName(tables.physical("media")).consistentRead(true)
                .filterExpression("#o = :o").expressionAttributeNames(Map.of("#o", "owner"))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(TestTokens.subjectOf(user))))).items();
    }

    private boolean rowExists(String mediaId) {
        return !dynamo.getItem(b -> b.tableName(tables.physical("media")).consistentRead(true)
                .key(Map.of("mediaId", AttributeValue.fromS(mediaId)))).item().isEmpty();
    }
}
