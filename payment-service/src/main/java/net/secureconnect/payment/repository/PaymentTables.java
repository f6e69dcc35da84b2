package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Index;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables payment-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class PaymentTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
                // One row per payment; the index pages an account's payments newest first.
                TableSpec.of(PaymentStore.TABLE, Key.string(PaymentStore.PAYMENT_ID))
                        .withIndex(Index.of(PaymentStore.BY_ACCOUNT, Key.string(PaymentStore.ACCOUNT_ID),
                                Key.number(PaymentStore.CREATED_AT)))
                        // Sparse: refund and dispute events that name only the gateway's payment find ours.
                        .withIndex(Index.of(PaymentStore.BY_GATEWAY_PAYMENT,
                                Key.string(PaymentStore.GATEWAY_PAYMENT_REF))),
                // The checkout we created at the gateway (Razorpay order, Stripe session) -> our payment.
                TableSpec.of(GatewayRefStore.TABLE, Key.string(GatewayRefStore.GATEWAY_REF)),
                // Every gateway webhook id seen, so a redelivered webhook is recognised and changes nothing.
                TableSpec.of(WebhookEventStore.TABLE, Key.string(WebhookEventStore.WEBHOOK_EVENT_ID)),
                // Idempotency-Key of each checkout request, per account, with the request it answered.
                TableSpec.of(IdempotencyKeyStore.TABLE, Key.string(IdempotencyKeyStore.KEY)),
                // Events written with the change they report, deleted once Kafka has them.
                TableSpec.of(OutboxStore.TABLE, Key.string(OutboxStore.EVENT_ID)));
    }
}
