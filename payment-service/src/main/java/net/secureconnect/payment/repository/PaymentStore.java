package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.payment.service.Payment;
import net.secureconnect.payment.service.PaymentStatus;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static net.secureconnect.payment.repository.Attributes.bool;
import static net.secureconnect.payment.repository.Attributes.flag;
import static net.secureconnect.payment.repository.Attributes.n;
import static net.secureconnect.payment.repository.Attributes.number;
import static net.secureconnect.payment.repository.Attributes.s;
import static net.secureconnect.payment.repository.Attributes.string;

/**
 * Table {@code payments}. Every change is conditioned on the version read before it (optimistic locking),
 * so two webhooks racing on one payment cannot both act on the same state.
 */
@ApplicationScoped
public class PaymentStore {

    static final String TABLE = "payments";
    static final String BY_ACCOUNT = "by-account";
    static final String BY_GATEWAY_PAYMENT = "by-gateway-payment";
    static final String GATEWAY_PAYMENT_REF = "gatewayPaymentRef";
    static final String PAYMENT_ID = "paymentId";
    static final String ACCOUNT_ID = "accountId";
    static final String PACK_ID = "packId";
    static final String CREDITS = "credits";
    static final String AMOUNT_MINOR = "amountMinor";
    static final String CURRENCY = "currency";
    static final String GATEWAY = "gateway";
    static final String GATEWAY_REF = "gatewayRef";
    static final String CHECKOUT_URL = "checkoutUrl";
    static final String STATUS = "status";
    static final String CREDITED = "credited";
    static final String REVOKED = "revoked";
    static final String VERSION = "version";
    static final String CREATED_AT = "createdAt";
    static final String UPDATED_AT = "updatedAt";

    /** One page of an account's payments and the cursor of the next, if any. */
    public record Page(List<Payment> payments, Optional<String> next) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public PaymentStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** A new pending payment; fails the transaction if the id exists. */
    public TransactWriteItem create(Payment p) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PAYMENT_ID, s(p.paymentId()));
        item.put(ACCOUNT_ID, s(p.accountId()));
        item.put(PACK_ID, s(p.packId()));
        item.put(CREDITS, n(p.credits()));
        item.put(AMOUNT_MINOR, n(p.amountMinor()));
        item.put(CURRENCY, s(p.currency()));
        item.put(GATEWAY, s(p.gateway()));
        item.put(STATUS, s(p.status().name()));
        item.put(CREDITED, bool(false));
        item.put(REVOKED, bool(false));
        item.put(VERSION, n(0));
        item.put(CREATED_AT, n(p.createdAt().toEpochMilli()));
        item.put(UPDATED_AT, n(p.updatedAt().toEpochMilli()));
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", PAYMENT_ID)).build()).build();
    }

    /**
     * Stores where the gateway's checkout is. The first checkout attached stays: the transaction fails if the
     * payment has one already (a concurrent open of the same payment), so webhooks of the other are refused.
     */
    public TransactWriteItem attachCheckout(String paymentId, String gatewayRef, String checkoutUrl) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(paymentId))
                .updateExpression("SET #ref = :ref, #url = :url")
                .conditionExpression("attribute_exists(#id) AND attribute_not_exists(#ref)")
                .expressionAttributeNames(Map.of("#ref", GATEWAY_REF, "#url", CHECKOUT_URL, "#id", PAYMENT_ID))
                .expressionAttributeValues(Map.of(":ref", s(gatewayRef), ":url", s(checkoutUrl))).build()).build();
    }

    /** Moves the payment from the version read to the next, with its new status and flags. */
    public TransactWriteItem transition(Payment read, PaymentStatus status, boolean credited, boolean revoked,
                                        Instant at) {
        return transition(read, status, credited, revoked, null, at);
    }

    /** As above, also remembering the gateway's id of the money movement (first one wins). */
    public TransactWriteItem transition(Payment read, PaymentStatus status, boolean credited, boolean revoked,
                                        String gatewayPaymentRef, Instant at) {
        Map<String, String> names = new HashMap<>(Map.of("#st", STATUS, "#cr", CREDITED, "#rv", REVOKED,
                "#v", VERSION, "#u", UPDATED_AT));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":st", s(status.name()), ":cr", bool(credited),
                ":rv", bool(revoked), ":next", n(read.version() + 1), ":v", n(read.version()),
                ":u", n(at.toEpochMilli())));
        String set = "SET #st = :st, #cr = :cr, #rv = :rv, #v = :next, #u = :u";
        if (gatewayPaymentRef != null) {
            set += ", #gp = if_not_exists(#gp, :gp)";
            names.put("#gp", GATEWAY_PAYMENT_REF);
            values.put(":gp", s(gatewayPaymentRef));
        }
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key(read.paymentId()))
                .updateExpression(set)
                .conditionExpression("#v = :v")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    /** Our payment id for the gateway's id of the money movement, once a success recorded it. */
    public Optional<String> paymentIdByGatewayPayment(String gatewayPaymentRef) {
        return dynamo.query(b -> b.tableName(table).indexName(BY_GATEWAY_PAYMENT)
                        .keyConditionExpression("#g = :g")
                        .expressionAttributeNames(Map.of("#g", GATEWAY_PAYMENT_REF))
                        .expressionAttributeValues(Map.of(":g", s(gatewayPaymentRef)))
                        .limit(1))
                .items().stream().map(item -> string(item, PAYMENT_ID)).findFirst();
    }

    /** Asserts in a transaction that the payment is still at the version read (for a no-op event). */
    public TransactWriteItem unchanged(Payment read) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(key(read.paymentId()))
                .conditionExpression("#v = :v")
                .expressionAttributeNames(Map.of("#v", VERSION))
                .expressionAttributeValues(Map.of(":v", n(read.version()))).build()).build();
    }

    public Optional<Payment> find(String paymentId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key(paymentId))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    /** The account's payments, newest first; {@code cursor} is the {@code next} of the previous page. */
    public Page byAccount(String accountId, int limit, Optional<String> cursor) {
        QueryResponse response = dynamo.query(b -> {
            b.tableName(table).indexName(BY_ACCOUNT)
                    .keyConditionExpression("#a = :a")
                    .expressionAttributeNames(Map.of("#a", ACCOUNT_ID))
                    .expressionAttributeValues(Map.of(":a", s(accountId)))
                    .scanIndexForward(false)
                    .limit(limit);
            cursor.ifPresent(c -> b.exclusiveStartKey(Cursor.decode(c, accountId)));
        });
        List<Payment> payments = response.items().stream().map(PaymentStore::read).toList();
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(Cursor.encode(response.lastEvaluatedKey())) : Optional.empty();
        return new Page(payments, next);
    }

    private static Map<String, AttributeValue> key(String paymentId) {
        return Map.of(PAYMENT_ID, s(paymentId));
    }

    private static Payment read(Map<String, AttributeValue> item) {
        return new Payment(string(item, PAYMENT_ID), string(item, ACCOUNT_ID), string(item, PACK_ID),
                number(item, CREDITS), number(item, AMOUNT_MINOR), string(item, CURRENCY), string(item, GATEWAY),
                string(item, GATEWAY_REF), string(item, CHECKOUT_URL), PaymentStatus.valueOf(string(item, STATUS)),
                flag(item, CREDITED), flag(item, REVOKED), number(item, VERSION),
                Instant.ofEpochMilli(number(item, CREATED_AT)), Instant.ofEpochMilli(number(item, UPDATED_AT)));
    }
}
