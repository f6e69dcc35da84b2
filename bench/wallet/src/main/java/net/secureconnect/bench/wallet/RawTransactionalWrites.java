package net.secureconnect.bench.wallet;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling: how many single-item transactional writes per second dynoxide takes — a TransactWriteItems with
 * one Put of a ledger-sized item conditioned on {@code attribute_not_exists}, the cheapest write the wallet could
 * do per event — from a number of client threads.
 */
final class RawTransactionalWrites {

    private final DynamoDbClient dynamo;
    private final String table;

    RawTransactionalWrites(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName("accountId").attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName("entryId").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("accountId").keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName("entryId").keyType(KeyType.RANGE).build()));
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    /** Writes per second with {@code threads} clients for {@code duration}. */
    double measure(int threads, Duration duration, String round) throws Exception {
        AtomicLong writes = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            String partition = round + "-" + threads + "-" + t;
            clients.add(pool.submit(() -> {
                long sequence = 0;
                while (System.nanoTime() < end) {
                    Map<String, AttributeValue> item = ledgerSizedItem(partition, sequence++);
                    dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().put(Put.builder()
                            .tableName(table).item(item)
                            .conditionExpression("attribute_not_exists(entryId)").build()).build()));
                    writes.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return writes.get() / seconds;
    }

    private static Map<String, AttributeValue> ledgerSizedItem(String partition, long sequence) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("accountId", AttributeValue.fromS(partition));
        item.put("entryId", AttributeValue.fromS("usage:" + java.util.UUID.randomUUID()));
        item.put("version", AttributeValue.fromN(Long.toString(sequence + 1)));
        item.put("kind", AttributeValue.fromS("USAGE"));
        item.put("cause", AttributeValue.fromS(java.util.UUID.randomUUID().toString()));
        item.put("amount", AttributeValue.fromN("-1"));
        item.put("balanceAfter", AttributeValue.fromN(Long.toString(1_000_000 - sequence)));
        item.put("at", AttributeValue.fromS(java.time.Instant.now().toString()));
        item.put("usageKind", AttributeValue.fromS("MESSAGE"));
        item.put("units", AttributeValue.fromN("1"));
        item.put("mode", AttributeValue.fromS("CAPTURE"));
        return item;
    }
}
