package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static net.secureconnect.identity.repository.Attributes.n;
import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/** Table {@code subjects}: which account an OIDC subject owns. At most one, guarded by the key. */
@ApplicationScoped
public class SubjectStore {

    static final String TABLE = "subjects";
    static final String SUBJECT = "subject";
    static final String ACCOUNT_ID = "accountId";
    static final String CREATED_AT = "createdAt";

    private final DynamoDbClient dynamo;
    private final String table;

    public SubjectStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public Optional<String> accountIdOf(String subject) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(SUBJECT, s(subject))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(string(item, ACCOUNT_ID));
    }

    /** Binds the subject to the account; fails if the subject has one already. */
    public TransactWriteItem bind(String subject, String accountId, Instant now) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(SUBJECT, s(subject), ACCOUNT_ID, s(accountId), CREATED_AT, n(now.toEpochMilli())))
                .conditionExpression("attribute_not_exists(#subject)")
                .expressionAttributeNames(Map.of("#subject", SUBJECT)).build()).build();
    }

    /** Unbinds the subject, only from this account. */
    public TransactWriteItem unbind(String subject, String accountId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(Map.of(SUBJECT, s(subject)))
                .conditionExpression("#accountId = :accountId")
                .expressionAttributeNames(Map.of("#accountId", ACCOUNT_ID))
                .expressionAttributeValues(Map.of(":accountId", s(accountId))).build()).build();
    }
}
