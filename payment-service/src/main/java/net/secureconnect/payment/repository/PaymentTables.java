package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables payment-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class PaymentTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            TableSpec.of("payments", Key.string("paymentId")),
            // Every gateway webhook id seen, so a redelivered webhook is recognised and changes nothing.
            TableSpec.of("webhook-events", Key.string("webhookEventId")));
    }
}
