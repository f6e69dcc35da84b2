package net.secureconnect.identity;

import net.secureconnect.testsupport.Dynoxide;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** A test-side DynamoDB client on the same dynoxide, to look at what the service stored. */
public final class Tables {

    private static final DynamoDbClient DYNAMO = DynamoDbClient.builder()
            .endpointOverride(URI.create(Dynoxide.endpoint()))
            .region(Region.EU_CENTRAL_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();

    private Tables() {
    }

    public static DynamoDbClient dynamo() {
        return DYNAMO;
    }

    public static Map<String, AttributeValue> get(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = DYNAMO.getItem(b -> b.tableName("sc-" + table).key(key).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? null : item;
    }

    /** Rows under one partition key. */
    public static List<Map<String, AttributeValue>> query(String table, String keyAttribute, String keyValue) {
        return DYNAMO.query(b -> b.tableName("sc-" + table).consistentRead(true)
                .keyConditionExpression("#k = :v")
                .expressionAttributeNames(Map.of("#k", keyAttribute))
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(keyValue)))).items();
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
