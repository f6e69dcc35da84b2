package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.identity.model.Account;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static net.secureconnect.identity.repository.Attributes.intList;
import static net.secureconnect.identity.repository.Attributes.instant;
import static net.secureconnect.identity.repository.Attributes.n;
import static net.secureconnect.identity.repository.Attributes.number;
import static net.secureconnect.identity.repository.Attributes.numbers;
import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/**
 * Table {@code accounts}: one row per account. Every change is conditional on the version read before
 * it and on the account being active, so concurrent changes of one account serialise.
 */
@ApplicationScoped
public class AccountStore {

    static final String TABLE = "accounts";
    static final String ACCOUNT_ID = "accountId";
    static final String SUBJECT = "subject";
    static final String STATUS = "status";
    static final String VERSION = "version";
    static final String CREATED_AT = "createdAt";
    static final String USERNAME = "username";
    static final String USERNAME_KEY = "usernameKey";
    static final String DEVICES = "devices";
    static final String NEXT_DEVICE_ID = "nextDeviceId";

    private final DynamoDbClient dynamo;
    private final String table;

    public AccountStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public Optional<Account> find(String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of(ACCOUNT_ID, s(accountId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    /** Creates the account; fails if the id exists. */
    public TransactWriteItem create(Account account) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ACCOUNT_ID, s(account.accountId()));
        item.put(SUBJECT, s(account.subject()));
        item.put(STATUS, s(account.status().name()));
        item.put(VERSION, n(account.version()));
        item.put(CREATED_AT, n(account.createdAt().toEpochMilli()));
        item.put(DEVICES, numbers(account.devices()));
        item.put(NEXT_DEVICE_ID, n(account.nextDeviceId()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", ACCOUNT_ID)).build()).build();
    }

    public TransactWriteItem claimUsername(Account account, String username, String usernameKey) {
        return versioned(account, "#username = :username, #usernameKey = :usernameKey", null,
                Map.of("#username", USERNAME, "#usernameKey", USERNAME_KEY),
                Map.of(":username", s(username), ":usernameKey", s(usernameKey)));
    }

    public TransactWriteItem releaseUsername(Account account) {
        return versioned(account, null, "#username, #usernameKey",
                Map.of("#username", USERNAME, "#usernameKey", USERNAME_KEY), Map.of());
    }

    public TransactWriteItem changeDevices(Account account, List<Integer> devices, int nextDeviceId) {
        return versioned(account, "#devices = :devices, #next = :next", null,
                Map.of("#devices", DEVICES, "#next", NEXT_DEVICE_ID),
                Map.of(":devices", numbers(devices), ":next", n(nextDeviceId)));
    }

    /** Only the version moves: the change is elsewhere (a device's keys) but its event needs a sequence number. */
    public TransactWriteItem nextVersion(Account account) {
        return versioned(account, null, null, Map.of(), Map.of());
    }

    public TransactWriteItem markDeleting(Account account) {
        return versioned(account, "#status = :deleting", null, Map.of(),
                Map.of(":deleting", s(Account.Status.DELETING.name())));
    }

    /** Last step of a deletion's cleanup; a no-op if the row is gone already. */
    public void deleteDeleting(String accountId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(ACCOUNT_ID, s(accountId)))
                    .conditionExpression("attribute_not_exists(#id) OR #status = :deleting")
                    .expressionAttributeNames(Map.of("#id", ACCOUNT_ID, "#status", STATUS))
                    .expressionAttributeValues(Map.of(":deleting", s(Account.Status.DELETING.name()))));
        } catch (ConditionalCheckFailedException active) {
            throw new IllegalStateException("account " + accountId + " is active; refusing to delete it");
        }
    }

    private TransactWriteItem versioned(Account account, String set, String remove, Map<String, String> names,
                                        Map<String, AttributeValue> values) {
        Map<String, String> allNames = new HashMap<>(names);
        allNames.put("#version", VERSION);
        allNames.put("#status", STATUS);
        Map<String, AttributeValue> allValues = new HashMap<>(values);
        allValues.put(":expected", n(account.version()));
        allValues.put(":nextVersion", n(account.nextVersion()));
        allValues.put(":active", s(Account.Status.ACTIVE.name()));
        String update = "SET #version = :nextVersion" + (set == null ? "" : ", " + set)
                + (remove == null ? "" : " REMOVE " + remove);
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of(ACCOUNT_ID, s(account.accountId())))
                .updateExpression(update)
                .conditionExpression("#version = :expected AND #status = :active")
                .expressionAttributeNames(allNames)
                .expressionAttributeValues(allValues).build()).build();
    }

    static Account read(Map<String, AttributeValue> item) {
        return new Account(
                string(item, ACCOUNT_ID),
                string(item, SUBJECT),
                Account.Status.valueOf(string(item, STATUS)),
                number(item, VERSION),
                instant(item, CREATED_AT),
                string(item, USERNAME),
                string(item, USERNAME_KEY),
                intList(item, DEVICES),
                (int) number(item, NEXT_DEVICE_ID));
    }
}
