package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.Map;
import java.util.Optional;

import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/** Table {@code usernames}: one row per claimed name, keyed by its lower-cased form. */
@ApplicationScoped
public class UsernameStore {

    static final String TABLE = "usernames";
    static final String USERNAME_KEY = "usernameKey";
    static final String USERNAME = "username";
    static final String ACCOUNT_ID = "accountId";

    /** Who owns a name, and the spelling they chose. */
    public record Owner(String accountId, String username) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public UsernameStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public Optional<Owner> find(String usernameKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(USERNAME_KEY, s(usernameKey))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new Owner(string(item, ACCOUNT_ID), string(item, USERNAME)));
    }

    /** Claims the name for the account: fails if another account holds it; re-claiming one's own name is fine. */
    public TransactWriteItem claim(String usernameKey, String username, String accountId) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(USERNAME_KEY, s(usernameKey), USERNAME, s(username), ACCOUNT_ID, s(accountId)))
                .conditionExpression("attribute_not_exists(#key) OR #accountId = :accountId")
                .expressionAttributeNames(Map.of("#key", USERNAME_KEY, "#accountId", ACCOUNT_ID))
                .expressionAttributeValues(Map.of(":accountId", s(accountId))).build()).build();
    }

    /** Releases the name, only if this account holds it. */
    public TransactWriteItem release(String usernameKey, String accountId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(Map.of(USERNAME_KEY, s(usernameKey)))
                .conditionExpression("#accountId = :accountId")
                .expressionAttributeNames(Map.of("#accountId", ACCOUNT_ID))
                .expressionAttributeValues(Map.of(":accountId", s(accountId))).build()).build();
    }
}
