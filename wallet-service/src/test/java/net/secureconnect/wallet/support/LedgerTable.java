package net.secureconnect.wallet.support;

import net.secureconnect.testsupport.Dynoxide;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Reads the wallet's tables in dynoxide with a test-side client, independent of the service's code. */
public final class LedgerTable {

    private static DynamoDbClient client;

    private LedgerTable() {
    }

    public static synchronized DynamoDbClient client() {
        if (client == null) {
            client = DynamoDbClient.builder()
                    .endpointOverride(URI.create(Dynoxide.endpoint()))
                    .region(Region.EU_CENTRAL_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        return client;
    }

    /** Every ledger item of the account, in version order. */
    public static List<Map<String, AttributeValue>> entries(String accountId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = client().query(b -> {
                b.tableName("sc-ledger").consistentRead(true)
                        .keyConditionExpression("accountId = :a")
                        .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(accountId)));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        items.sort(Comparator.comparingLong(item -> number(item, "version")));
        return items;
    }

    /** The wallet item, or an empty map. */
    public static Map<String, AttributeValue> wallet(String accountId) {
        Map<String, AttributeValue> item = client().getItem(b -> b.tableName("sc-wallets").consistentRead(true)
                .key(Map.of("accountId", AttributeValue.fromS(accountId)))).item();
        return item == null ? Map.of() : item;
    }

    public static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    public static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
