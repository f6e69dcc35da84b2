package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.List;

/** Runs one DynamoDB transaction over items the stores built, and reads why one was cancelled. */
@ApplicationScoped
public class Transactions {

    private final DynamoDbClient dynamo;

    public Transactions(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    /** All items commit or none; throws {@link TransactionCanceledException} when a condition fails. */
    public void write(TransactWriteItem... items) {
        write(List.of(items));
    }

    public void write(List<TransactWriteItem> items) {
        dynamo.transactWriteItems(b -> b.transactItems(items));
    }

    /** True if the item at {@code index} (in the order given to {@link #write}) failed its condition. */
    public static boolean conditionFailed(TransactionCanceledException e, int index) {
        if (!e.hasCancellationReasons() || e.cancellationReasons().size() <= index) {
            return false;
        }
        CancellationReason reason = e.cancellationReasons().get(index);
        return "ConditionalCheckFailed".equals(reason.code());
    }
}
