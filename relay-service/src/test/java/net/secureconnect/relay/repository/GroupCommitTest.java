package net.secureconnect.relay.repository;

import net.secureconnect.runtime.dynamodb.GroupCommit;
import net.secureconnect.testsupport.Dynoxide;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link GroupCommit} (libs/service-runtime) against dynoxide: concurrent transactions, some of them resends
 * whose condition fails, each get exactly the outcome they would have had alone, and all-or-nothing per
 * transaction holds. Here rather than in the library because test-support, which starts dynoxide, depends
 * on the library.
 */
class GroupCommitTest {

    private static DynamoDbClient dynamo;
    private static final String TABLE = "sc-test-group-commit-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void table() {
        dynamo = DynamoDbClient.builder().endpointOverride(URI.create(Dynoxide.endpoint())).region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        dynamo.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    /** A transaction of two puts: a conditional "head" (fails when it exists) and an unconditional "row". */
    private static List<TransactWriteItem> transaction(String head, String row) {
        return List.of(
                TransactWriteItem.builder().put(Put.builder().tableName(TABLE).item(Map.of("id", s(head)))
                        .conditionExpression("attribute_not_exists(id)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(TABLE).item(Map.of("id", s(row))).build())
                        .build());
    }

    @Test
    void concurrentTransactionsGetTheirOwnOutcomesAndGoTogether() throws Exception {
        GroupCommit commits = new GroupCommit("test-commit", dynamo);
        int threads = 16;
        int perThread = 40;
        Set<String> written = ConcurrentHashMap.newKeySet();
        Set<String> refusedRows = ConcurrentHashMap.newKeySet();
        AtomicInteger wrongOutcomes = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    // Every fifth transaction resends the head of this thread's previous one: its condition fails.
                    boolean resend = i % 5 == 4;
                    String head = "head-" + thread + "-" + (resend ? i - 1 : i);
                    String row = "row-" + thread + "-" + i;
                    try {
                        commits.transact(transaction(head, row), 100);
                        if (resend) {
                            wrongOutcomes.incrementAndGet();
                        }
                        written.add(head);
                        written.add(row);
                    } catch (TransactionCanceledException e) {
                        boolean ownCondition = "ConditionalCheckFailed".equals(e.cancellationReasons().get(0).code());
                        if (!resend || !ownCondition) {
                            wrongOutcomes.incrementAndGet();
                        }
                        refusedRows.add(row);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();
        commits.stop();

        assertEquals(0, wrongOutcomes.get(), "each transaction gets the outcome it would have had alone");
        assertEquals(threads * perThread / 5, refusedRows.size());
        Set<String> stored = new HashSet<>();
        dynamo.scanPaginator(b -> b.tableName(TABLE)).items().forEach(item -> stored.add(item.get("id").s()));
        assertEquals(written, stored, "exactly the accepted transactions' items, none of a refused one");
        refusedRows.forEach(row -> assertTrue(!stored.contains(row), "a refused transaction wrote nothing"));
        assertTrue(commits.grouped() > 0, "concurrent transactions share requests");
        assertTrue(commits.requests() < threads * perThread, commits.requests() + " requests for "
                + threads * perThread + " transactions");
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
