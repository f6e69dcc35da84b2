package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.identity.model.Device;
import net.secureconnect.identity.model.DeviceKeys;
import net.secureconnect.identity.model.Prekeys;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static net.secureconnect.identity.repository.Attributes.b;
import static net.secureconnect.identity.repository.Attributes.bytes;
import static net.secureconnect.identity.repository.Attributes.instant;
import static net.secureconnect.identity.repository.Attributes.n;
import static net.secureconnect.identity.repository.Attributes.number;
import static net.secureconnect.identity.repository.Attributes.optionalInt;
import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/**
 * Table {@code devices}: one row per device with its identity, agreement key, signed prekey and
 * post-quantum last-resort key (everything a bundle needs besides the one-time keys).
 */
@ApplicationScoped
public class DeviceStore {

    static final String TABLE = "devices";
    static final String ACCOUNT_ID = "accountId";
    static final String DEVICE_ID = "deviceId";
    static final String REGISTRATION_ID = "registrationId";
    static final String IDENTITY_KEY = "identityKey";
    static final String AGREEMENT_KEY = "agreementKey";
    static final String AGREEMENT_KEY_SIGNATURE = "agreementKeySignature";
    static final String SIGNED_PREKEY_ID = "signedPrekeyId";
    static final String SIGNED_PREKEY = "signedPrekey";
    static final String SIGNED_PREKEY_SIGNATURE = "signedPrekeySignature";
    static final String KEM_LAST_RESORT_ID = "kemLastResortId";
    static final String KEM_LAST_RESORT_KEY = "kemLastResortKey";
    static final String KEM_LAST_RESORT_SIGNATURE = "kemLastResortSignature";
    static final String CREATED_AT = "createdAt";

    /** Outcome of a conditional prekey update. */
    public enum PrekeyUpdate { UPDATED, DEVICE_GONE, IDENTITY_CHANGED }

    private final DynamoDbClient dynamo;
    private final String table;

    public DeviceStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public Optional<Device> find(String accountId, int deviceId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(key(accountId, deviceId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    /** Every device row of the account, by ascending id. */
    public List<Device> all(String accountId) {
        List<Device> devices = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#a = :a")
                        .expressionAttributeNames(Map.of("#a", ACCOUNT_ID))
                        .expressionAttributeValues(Map.of(":a", s(accountId))).build())
                .items().forEach(item -> devices.add(read(item)));
        return devices;
    }

    public TransactWriteItem create(Device device) {
        Map<String, AttributeValue> item = new HashMap<>(key(device.accountId(), device.deviceId()));
        item.putAll(keyAttributes(device.keys()));
        item.put(CREATED_AT, n(device.createdAt().toEpochMilli()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#d)")
                .expressionAttributeNames(Map.of("#d", DEVICE_ID)).build()).build();
    }

    public TransactWriteItem delete(String accountId, int deviceId) {
        return TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(key(accountId, deviceId))
                .conditionExpression("attribute_exists(#d)")
                .expressionAttributeNames(Map.of("#d", DEVICE_ID)).build()).build();
    }

    /** Replaces every key of an existing device (re-registration). */
    public TransactWriteItem replaceKeys(String accountId, int deviceId, DeviceKeys keys) {
        Map<String, AttributeValue> values = keyAttributes(keys);
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> placeholders = new HashMap<>();
        List<String> sets = new ArrayList<>();
        values.forEach((attribute, value) -> {
            names.put("#" + attribute, attribute);
            placeholders.put(":" + attribute, value);
            sets.add("#" + attribute + " = :" + attribute);
        });
        String update = "SET " + String.join(", ", sets);
        if (keys.kemLastResort() == null) {
            names.put("#kid", KEM_LAST_RESORT_ID);
            names.put("#kkey", KEM_LAST_RESORT_KEY);
            names.put("#ksig", KEM_LAST_RESORT_SIGNATURE);
            update += " REMOVE #kid, #kkey, #ksig";
        }
        names.put("#d", DEVICE_ID);
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(key(accountId, deviceId))
                .updateExpression(update)
                .conditionExpression("attribute_exists(#d)")
                .expressionAttributeNames(names)
                .expressionAttributeValues(placeholders).build()).build();
    }

    /**
     * Stores a new signed prekey and/or last-resort key, only while the device still has the identity key
     * their signatures were checked against.
     */
    public PrekeyUpdate updatePrekeys(String accountId, int deviceId, byte[] verifiedIdentityKey,
                                      Prekeys.Signed signedPrekey, Prekeys.Kem kemLastResort) {
        Map<String, String> names = new HashMap<>(Map.of("#d", DEVICE_ID, "#ik", IDENTITY_KEY));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":ik", b(verifiedIdentityKey)));
        List<String> sets = new ArrayList<>();
        if (signedPrekey != null) {
            names.putAll(Map.of("#sid", SIGNED_PREKEY_ID, "#skey", SIGNED_PREKEY, "#ssig", SIGNED_PREKEY_SIGNATURE));
            values.putAll(Map.of(":sid", n(signedPrekey.keyId()), ":skey", b(signedPrekey.publicKey()),
                    ":ssig", b(signedPrekey.signature())));
            sets.add("#sid = :sid, #skey = :skey, #ssig = :ssig");
        }
        if (kemLastResort != null) {
            names.putAll(Map.of("#kid", KEM_LAST_RESORT_ID, "#kkey", KEM_LAST_RESORT_KEY,
                    "#ksig", KEM_LAST_RESORT_SIGNATURE));
            values.putAll(Map.of(":kid", n(kemLastResort.keyId()), ":kkey", b(kemLastResort.publicKey()),
                    ":ksig", b(kemLastResort.signature())));
            sets.add("#kid = :kid, #kkey = :kkey, #ksig = :ksig");
        }
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("nothing to update");
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(key(accountId, deviceId))
                    .updateExpression("SET " + String.join(", ", sets))
                    .conditionExpression("attribute_exists(#d) AND #ik = :ik")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return PrekeyUpdate.UPDATED;
        } catch (ConditionalCheckFailedException e) {
            return find(accountId, deviceId).isEmpty() ? PrekeyUpdate.DEVICE_GONE : PrekeyUpdate.IDENTITY_CHANGED;
        }
    }

    /** Cleanup of a deleted account: every device row, whatever the account row says. */
    public void deleteAll(String accountId) {
        for (Device device : all(accountId)) {
            dynamo.deleteItem(b -> b.tableName(table).key(key(accountId, device.deviceId())));
        }
    }

    private static Map<String, AttributeValue> key(String accountId, int deviceId) {
        return Map.of(ACCOUNT_ID, s(accountId), DEVICE_ID, n(deviceId));
    }

    private static Map<String, AttributeValue> keyAttributes(DeviceKeys keys) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(REGISTRATION_ID, n(keys.registrationId()));
        item.put(IDENTITY_KEY, b(keys.identityKey()));
        item.put(AGREEMENT_KEY, b(keys.agreementKey()));
        item.put(AGREEMENT_KEY_SIGNATURE, b(keys.agreementKeySignature()));
        item.put(SIGNED_PREKEY_ID, n(keys.signedPrekey().keyId()));
        item.put(SIGNED_PREKEY, b(keys.signedPrekey().publicKey()));
        item.put(SIGNED_PREKEY_SIGNATURE, b(keys.signedPrekey().signature()));
        if (keys.kemLastResort() != null) {
            item.put(KEM_LAST_RESORT_ID, n(keys.kemLastResort().keyId()));
            item.put(KEM_LAST_RESORT_KEY, b(keys.kemLastResort().publicKey()));
            item.put(KEM_LAST_RESORT_SIGNATURE, b(keys.kemLastResort().signature()));
        }
        return item;
    }

    static Device read(Map<String, AttributeValue> item) {
        Integer kemId = optionalInt(item, KEM_LAST_RESORT_ID);
        Prekeys.Kem lastResort = kemId == null ? null : new Prekeys.Kem(kemId,
                bytes(item, KEM_LAST_RESORT_KEY), bytes(item, KEM_LAST_RESORT_SIGNATURE));
        DeviceKeys keys = new DeviceKeys(
                (int) number(item, REGISTRATION_ID),
                bytes(item, IDENTITY_KEY),
                bytes(item, AGREEMENT_KEY),
                bytes(item, AGREEMENT_KEY_SIGNATURE),
                new Prekeys.Signed((int) number(item, SIGNED_PREKEY_ID), bytes(item, SIGNED_PREKEY),
                        bytes(item, SIGNED_PREKEY_SIGNATURE)),
                lastResort);
        return new Device(string(item, ACCOUNT_ID), (int) number(item, DEVICE_ID), keys, instant(item, CREATED_AT));
    }
}
