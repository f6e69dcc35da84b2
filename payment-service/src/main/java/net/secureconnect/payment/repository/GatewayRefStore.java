package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.util.Map;
import java.util.Optional;

import static net.secureconnect.payment.repository.Attributes.s;
import static net.secureconnect.payment.repository.Attributes.string;

/**
 * Table {@code payment-gateway-refs}: the checkout we created at a gateway (Razorpay order, Stripe session)
 * → our payment. Written with the payment's {@code gatewayRef} in one transaction and read consistently, so
 * a webhook that names only the order finds its payment at once (a GSI could lag, and a webhook matched to
 * no payment is recorded as seen and never looked at again).
 */
@ApplicationScoped
public class GatewayRefStore {

    static final String TABLE = "payment-gateway-refs";
    static final String GATEWAY_REF = "gatewayRef";
    static final String PAYMENT_ID = "paymentId";

    private final DynamoDbClient dynamo;
    private final String table;

    public GatewayRefStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** Gateway name and its checkout id: ids are only unique per gateway. */
    static String key(String gateway, String gatewayRef) {
        return gateway + ":" + gatewayRef;
    }

    /** Binds the checkout to the payment; fails the transaction if it is bound to another payment. */
    public TransactWriteItem bind(String gateway, String gatewayRef, String paymentId) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(GATEWAY_REF, s(key(gateway, gatewayRef)), PAYMENT_ID, s(paymentId)))
                .conditionExpression("attribute_not_exists(#k) OR #p = :p")
                .expressionAttributeNames(Map.of("#k", GATEWAY_REF, "#p", PAYMENT_ID))
                .expressionAttributeValues(Map.of(":p", s(paymentId))).build()).build();
    }

    /** Our payment for the gateway's checkout id, if we created that checkout. */
    public Optional<String> paymentId(String gateway, String gatewayRef) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(GATEWAY_REF, s(key(gateway, gatewayRef))))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(string(item, PAYMENT_ID));
    }
}
