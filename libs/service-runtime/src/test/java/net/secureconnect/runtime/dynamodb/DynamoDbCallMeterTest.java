package net.secureconnect.runtime.dynamodb;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import net.secureconnect.testsupport.Dynoxide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DynamoDbCallMeter on a real DynamoDB API (dynoxide): every call is counted once under its operation, logical table
 * and outcome, a failed condition — alone or inside a transaction — is {@code conditional-failed}, and nothing of the
 * physical name, an ARN's account id or an item's key reaches the exposition.
 */
class DynamoDbCallMeterTest {

    /** A prefix of its own, so the test's tables never meet another test's in the shared dynoxide. */
    private final String prefix = "meter-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DynamoDbCallMeter meter = new DynamoDbCallMeter(registry, prefix, () -> Set.of("accounts"));
    private DynamoDbClient dynamo;

    @BeforeEach
    void client() {
        dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(Dynoxide.endpoint()))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(meter))
                .build();
        dynamo.createTable(b -> b.tableName(prefix + "accounts").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
    }

    @AfterEach
    void close() {
        dynamo.close();
    }

    private long count(String operation, String table, String outcome) {
        var timer = registry.find(DynamoDbCallMeter.METER)
                .tags("operation", operation, "table", table, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private static Map<String, AttributeValue> item(String id) {
        return Map.of("id", AttributeValue.fromS(id), "balance", AttributeValue.fromN("5"));
    }

    @Test
    void countsEveryCallByOperationLogicalTableAndOutcome() {
        String table = prefix + "accounts";
        String key = "private-key-value-" + UUID.randomUUID();
        dynamo.putItem(b -> b.tableName(table).item(item(key)).conditionExpression("attribute_not_exists(id)"));
        dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(key))));
        dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS(key))));

        // The same create-once write again: the store refuses it on its condition.
        assertThrows(ConditionalCheckFailedException.class, () -> dynamo.putItem(b -> b.tableName(table)
                .item(item(key)).conditionExpression("attribute_not_exists(id)")));
        // ... and inside a transaction, where DynamoDB reports it as a cancellation reason.
        assertThrows(TransactionCanceledException.class, () -> dynamo.transactWriteItems(b -> b.transactItems(
                t -> t.put(p -> p.tableName(table).item(item(key)).conditionExpression("attribute_not_exists(id)")))));
        dynamo.transactWriteItems(b -> b.transactItems(
                t -> t.put(p -> p.tableName(table).item(item(key + "-2")).conditionExpression("attribute_not_exists(id)"))));

        assertEquals(1, count("CreateTable", "accounts", "ok"));
        assertEquals(1, count("PutItem", "accounts", "ok"));
        assertEquals(2, count("GetItem", "accounts", "ok"));
        assertEquals(1, count("PutItem", "accounts", "conditional-failed"));
        assertEquals(1, count("TransactWriteItems", "accounts", "conditional-failed"));
        assertEquals(1, count("TransactWriteItems", "accounts", "ok"));

        String exposition = registry.scrape();
        assertTrue(exposition.contains("secureconnect_dynamodb_calls_seconds_bucket{"), "a percentile histogram");
        assertTrue(exposition.contains("operation=\"PutItem\",outcome=\"conditional-failed\",table=\"accounts\""),
                exposition);
        assertFalse(exposition.contains(key), "an item's key in a label");
        assertFalse(exposition.contains(prefix), "the physical table name in a label");
    }

    @Test
    void tablesOutsideTheCatalogAnArnOrNoTableAtAllHaveBoundedNames() {
        dynamo.listTables();
        String arn = "arn:aws:dynamodb:eu-central-1:123456789012:table/" + prefix + "accounts";
        try {
            dynamo.describeTable(b -> b.tableName(arn)); // whether the engine takes ARNs or not: counted as "other"
        } catch (SdkException refused) {
            // counted with outcome "error"
        }
        assertThrows(SdkException.class, () -> dynamo.describeTable(b -> b.tableName(prefix + "someone-elses")));

        assertEquals(1, count("ListTables", "none", "ok"));
        assertEquals(2, count("DescribeTable", "other", "ok") + count("DescribeTable", "other", "error"), registry.scrape());
        String exposition = registry.scrape();
        assertFalse(exposition.contains("123456789012"), "an account id in a label");
        assertFalse(exposition.contains("someone-elses"), "a table outside the catalog by name");
    }

    @Test
    void throttlingAndTransactionReasonsAreClassified() {
        assertEquals("throttled", DynamoDbCallMeter.outcome(ProvisionedThroughputExceededException.builder().build()));
        assertEquals("throttled", DynamoDbCallMeter.outcome(cancelled("None", "ThrottlingError")));
        assertEquals("conditional-failed", DynamoDbCallMeter.outcome(cancelled("None", "ConditionalCheckFailed")));
        assertEquals("error", DynamoDbCallMeter.outcome(cancelled("TransactionConflict")));
        assertEquals("error", DynamoDbCallMeter.outcome(new IllegalStateException("connection reset")));
    }

    private static TransactionCanceledException cancelled(String... codes) {
        return TransactionCanceledException.builder().cancellationReasons(java.util.Arrays.stream(codes)
                .map(code -> CancellationReason.builder().code(code).build()).toList()).build();
    }
}
