package net.secureconnect.wallet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.runtime.rest.ProblemException;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.wallet.support.KafkaConsumerGroups;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/**
 * The shared problem+json mapping (libs/service-runtime) seen from a real service: bad input gets a
 * stable code, never a 500 or an HTML page, and internals never leak into the answer.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(KafkaConsumerGroups.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class ProblemJsonTest {

    /** A probe endpoint that exists only in this test's application. */
    @Path("/test/probe")
    public static class ProbeResource {

        public record Order(@NotBlank String item, @Min(1) int quantity) {
        }

        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        public Order echo(@Valid Order order) {
            if ("conflict".equals(order.item())) {
                throw new ProblemException(409, "ITEM_TAKEN", "Item taken", "That item is taken.");
            }
            if ("boom".equals(order.item())) {
                throw new IllegalStateException("secret internal detail");
            }
            return order;
        }
    }

    private static io.restassured.specification.RequestSpecification asUser() {
        return given().auth().oauth2(TestTokens.forUser("alice", "user")).contentType("application/json");
    }

    @Test
    void acceptsAWellFormedBody() {
        asUser().body("{\"item\":\"x\",\"quantity\":2}").post("/test/probe").then().statusCode(200)
                .body("quantity", equalTo(2));
    }

    @Test
    void malformedJsonIs400WithAStableCode() {
        asUser().body("{\"item\":").post("/test/probe").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("MALFORMED_JSON"));
        asUser().body("{\"item\":\"x\",\"quantity\":\"many\"}").post("/test/probe").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("MALFORMED_JSON"));
    }

    @Test
    void invalidFieldsAre400WithTheViolations() {
        asUser().body("{\"item\":\"\",\"quantity\":0}").post("/test/probe").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"))
                .body("violations.field", hasItem("quantity"))
                .body("violations.field", hasItem("item"));
    }

    @Test
    void domainProblemsKeepTheirStatusAndCode() {
        asUser().body("{\"item\":\"conflict\",\"quantity\":1}").post("/test/probe").then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("ITEM_TAKEN"));
    }

    @Test
    void unexpectedFailuresAre500WithoutInternals() {
        asUser().body("{\"item\":\"boom\",\"quantity\":1}").post("/test/probe").then().statusCode(500)
                .contentType("application/problem+json")
                .body("code", equalTo("INTERNAL_ERROR"))
                .body("detail", not(containsString("secret")));
    }

    @Test
    void wrongMethodAndMediaTypeAreProblems() {
        given().auth().oauth2(TestTokens.forUser("alice", "user")).get("/test/probe").then().statusCode(405)
                .contentType("application/problem+json").body("code", equalTo("METHOD_NOT_ALLOWED"));
        given().auth().oauth2(TestTokens.forUser("alice", "user")).contentType("text/plain").body("x")
                .post("/test/probe").then().statusCode(415)
                .contentType("application/problem+json").body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
    }

    @Test
    void theProbeNeedsAToken() {
        given().contentType("application/json").body("{\"item\":\"x\",\"quantity\":2}").post("/test/probe")
                .then().statusCode(401);
    }
}
