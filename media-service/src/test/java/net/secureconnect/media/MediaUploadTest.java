package net.secureconnect.media;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import net.secureconnect.media.support.Http;
import net.secureconnect.media.support.TestWallet;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.S3ProxyTestResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The upload path against the real wallet (child process), Kafka broker, dynoxide and s3proxy: paid once before
 * any URL exists, bytes straight to and from the store through presigned URLs, completion idempotent.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
@QuarkusTestResource(S3ProxyTestResource.class)
class MediaUploadTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    S3Client s3;

    @BeforeAll
    static void startWallet() {
        TestWallet.get();
    }

    @Test
    void aPaidUploadIsStoredCompletedTwiceChargedOnceAndDownloadable() {
        String alice = newUser();
        TestWallet.topUp(alice, 10);
        byte[] ciphertext = randomBytes(1024 * 1024 + 17);

        ExtractableResponse<Response> upload = as(alice).body("{\"size\":" + ciphertext.length + "}")
                .post("/media/uploads").then().statusCode(201)
                .body("mediaId", matchesPattern("[A-Za-z0-9_-]{24}"))
                .body("method", equalTo("PUT"))
                .body("headers.Content-Length", equalTo(Integer.toString(ciphertext.length)))
                .body("uploadBy", notNullValue()).extract();
        String mediaId = upload.path("mediaId");
        assertEquals(7, TestWallet.balance(alice), "the hold is taken before the URL is issued");

        assertEquals(200, Http.put(upload.path("uploadUrl"), ciphertext));
        as(alice).post("/media/uploads/" + mediaId + "/complete").then().statusCode(200)
                .body("state", equalTo("AVAILABLE")).body("size", equalTo(ciphertext.length));
        as(alice).post("/media/uploads/" + mediaId + "/complete").then().statusCode(200)
                .body("state", equalTo("AVAILABLE"));
        assertEquals(7, TestWallet.balance(alice), "complete twice, charged 3 once");
        assertEquals(List.of("PURCHASE", "USAGE"), TestWallet.ledgerKinds(alice));

        // Bob got the id (and key) inside an end-to-end-encrypted message: he may fetch the ciphertext.
        String url = as(newUser()).get("/media/" + mediaId).then().statusCode(200).extract().path("downloadUrl");
        var download = Http.get(url);
        assertEquals(200, download.statusCode());
        assertArrayEquals(ciphertext, download.body());

        as(alice).delete("/media/" + mediaId).then().statusCode(204);
        as(alice).delete("/media/" + mediaId).then().statusCode(204);
        as(alice).get("/media/" + mediaId).then().statusCode(404).body("code", equalTo("MEDIA_NOT_FOUND"));
        assertThrows(NoSuchKeyException.class, () -> s3.headObject(b -> b.bucket("secureconnect-media").key(mediaId)));
        assertEquals(7, TestWallet.balance(alice), "removing a completed file gives nothing back");
    }

    @Test
    void aLargeFileGoesUpInPartsAndIsAssembledFromTheirETags() {
        String ivan = newUser();
        TestWallet.topUp(ivan, 10);
        int size = 12 * 1024 * 1024 + 3; // test settings: multipart above 8 MiB, 5 MiB parts
        byte[] ciphertext = randomBytes(size);
        ExtractableResponse<Response> upload = as(ivan).body("{\"size\":" + size + "}").post("/media/uploads")
                .then().statusCode(201).body("method", equalTo("MULTIPART")).body("parts.size()", equalTo(3))
                .body("uploadUrl", org.hamcrest.Matchers.nullValue()).extract();
        String mediaId = upload.path("mediaId");
        List<Map<String, Object>> parts = upload.path("parts");
        StringBuilder completed = new StringBuilder("{\"parts\":[");
        int offset = 0;
        for (Map<String, Object> part : parts) {
            int length = ((Number) part.get("size")).intValue();
            var answer = Http.putForAnswer((String) part.get("uploadUrl"),
                    java.util.Arrays.copyOfRange(ciphertext, offset, offset + length));
            assertEquals(200, answer.statusCode());
            String etag = answer.headers().firstValue("ETag").orElseThrow();
            completed.append(offset == 0 ? "" : ",").append("{\"partNumber\":").append(part.get("partNumber"))
                    .append(",\"etag\":\"").append(etag.replace("\"", "\\\"")).append("\"}");
            offset += length;
        }
        completed.append("]}");
        assertEquals(size, offset);

        as(ivan).post("/media/uploads/" + mediaId + "/complete").then().statusCode(400)
                .body("code", equalTo("PARTS_REQUIRED"));
        as(ivan).body("{\"parts\":[{\"partNumber\":1,\"etag\":\"\\\"nope\\\"\"}]}")
                .post("/media/uploads/" + mediaId + "/complete").then().statusCode(409)
                .body("code", equalTo("UPLOAD_INCOMPLETE"));
        as(ivan).body(completed.toString()).post("/media/uploads/" + mediaId + "/complete").then().statusCode(200)
                .body("state", equalTo("AVAILABLE"));
        as(ivan).body(completed.toString()).post("/media/uploads/" + mediaId + "/complete").then().statusCode(200);
        assertEquals(7, TestWallet.balance(ivan));
        String url = as(newUser()).get("/media/" + mediaId).then().statusCode(200).extract().path("downloadUrl");
        assertArrayEquals(ciphertext, Http.get(url).body());
    }

    @Test
    void insufficientCreditsAreRefusedBeforeAnyUrlAndChargeNothing() {
        String carol = newUser();
        TestWallet.topUp(carol, 2);
        as(carol).body("{\"size\":1000}").post("/media/uploads").then().statusCode(402)
                .contentType("application/problem+json")
                .body("code", equalTo("INSUFFICIENT_CREDITS"))
                .body("uploadUrl", org.hamcrest.Matchers.nullValue());
        assertEquals(2, TestWallet.balance(carol));
    }

    @Test
    void aDeclaredSizeOverTheLimitIs413BeforeAnyChargeAndBadBodiesAre400() {
        String dave = newUser();
        TestWallet.topUp(dave, 10);
        as(dave).body("{\"size\":" + (2L * 1024 * 1024 * 1024 + 1) + "}").post("/media/uploads").then()
                .statusCode(413).body("code", equalTo("MEDIA_TOO_LARGE"));
        as(dave).body("{\"size\":0}").post("/media/uploads").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        as(dave).body("{\"size\":-5}").post("/media/uploads").then().statusCode(400);
        as(dave).body("{\"size\":").post("/media/uploads").then().statusCode(400).body("code", equalTo("MALFORMED_JSON"));
        as(dave).body("{}").post("/media/uploads").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        assertEquals(10, TestWallet.balance(dave));
    }

    @Test
    void theStoreRefusesTamperedUrlsAndOtherLengths() {
        String erin = newUser();
        TestWallet.topUp(erin, 10);
        byte[] ciphertext = randomBytes(4096);
        String url = as(erin).body("{\"size\":4096}").post("/media/uploads").then().statusCode(201)
                .extract().path("uploadUrl");
        String tampered = url.replaceFirst("X-Amz-Signature=(.)", "X-Amz-Signature=" + (url.contains("X-Amz-Signature=0") ? "1" : "0"));
        assertEquals(403, Http.put(tampered, ciphertext), "forged signature");
        assertEquals(403, Http.put(url.replace("X-Amz-Expires=900", "X-Amz-Expires=90000"), ciphertext),
                "a longer validity than signed");
        assertEquals(403, Http.put(url, randomBytes(4097)), "another length than declared");
        assertEquals(200, Http.put(url, ciphertext));
    }

    @Test
    void onlyTheUploaderCompletesOrDeletesAndNothingIsCompletedBeforeItsUpload() {
        String frank = newUser();
        TestWallet.topUp(frank, 10);
        String mediaId = as(frank).body("{\"size\":10}").post("/media/uploads").then().statusCode(201)
                .extract().path("mediaId");
        as(frank).post("/media/uploads/" + mediaId + "/complete").then().statusCode(409)
                .body("code", equalTo("UPLOAD_INCOMPLETE"));
        String mallory = newUser();
        as(mallory).post("/media/uploads/" + mediaId + "/complete").then().statusCode(403)
                .body("code", equalTo("NOT_MEDIA_OWNER"));
        as(mallory).delete("/media/" + mediaId).then().statusCode(403);
        as(frank).get("/media/" + mediaId).then().statusCode(404);
        as(frank).post("/media/uploads/AAAAAAAAAAAAAAAAAAAAAAAA/complete").then().statusCode(404)
                .body("code", equalTo("MEDIA_NOT_FOUND"));
        given().contentType(ContentType.JSON).body("{\"size\":10}").post("/media/uploads").then().statusCode(401);

        // Cancelling an upload gives the hold back.
        as(frank).delete("/media/" + mediaId).then().statusCode(204);
        TestWallet.awaitBalance(frank, balance -> balance == 10);
        assertEquals(List.of("PURCHASE", "USAGE", "RELEASE"), TestWallet.ledgerKinds(frank));
    }

    static io.restassured.specification.RequestSpecification as(String user) {
        return given().auth().oauth2(TestTokens.forUser(user)).contentType(ContentType.JSON);
    }

    static String newUser() {
        return "media-" + UUID.randomUUID();
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
