package net.secureconnect.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.wallet.service.Announcements;
import net.secureconnect.wallet.service.LedgerEntry;
import net.secureconnect.wallet.service.WalletMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Sends the announcements of a ledger entry (BalanceChanged, AccountSuspended, …, or UsageRejected). */
@ApplicationScoped
public class Announcer {

    private final KafkaClients kafka;
    private final WalletMetrics metrics;
    private final PriceList prices;

    public Announcer(KafkaClients kafka, WalletMetrics metrics, PriceList prices) {
        this.kafka = kafka;
        this.metrics = metrics;
        this.prices = prices;
    }

    /**
     * Hands the entry's events to the producer, keyed by account, and completes when all are acknowledged.
     *
     * @param arrivalNanos when the causing record arrived ({@link System#nanoTime()}), or 0 if not measured
     */
    public CompletableFuture<Void> announce(LedgerEntry entry, long arrivalNanos) {
        List<Event> events = Announcements.of(entry, prices);
        CompletableFuture<?>[] acks = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks[i] = ack;
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.type().topic().topicName(),
                    entry.accountId(), EventJson.encode(event));
            try {
                kafka.producer().send(record, (metadata, error) -> {
                    if (error != null) {
                        ack.completeExceptionally(error);
                        return;
                    }
                    if (arrivalNanos != 0) {
                        metrics.announceLatency(event.type(), System.nanoTime() - arrivalNanos);
                    }
                    ack.complete(null);
                });
            } catch (RuntimeException e) {
                ack.completeExceptionally(e);
            }
        }
        return CompletableFuture.allOf(acks);
    }
}
