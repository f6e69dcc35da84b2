package net.secureconnect.wallet.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.DeadLetterHeaders;
import net.secureconnect.contracts.Topic;
import net.secureconnect.wallet.service.WalletMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Parks a poison record in {@code <topic>.dead-letter}: same key and bytes, the reason in the headers. */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaClients kafka;
    private final WalletMetrics metrics;

    public DeadLetters(KafkaClients kafka, WalletMetrics metrics) {
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /** Completes when the dead-letter copy is acknowledged; only then may the source offset be committed. */
    public CompletableFuture<Void> park(ConsumerRecord<String, byte[]> source, Topic topic, String reasonCode,
                                        String detail) {
        ProducerRecord<String, byte[]> copy = new ProducerRecord<>(topic.deadLetterTopic(), null, source.key(),
                source.value());
        copy.headers().add(DeadLetterHeaders.REASON_CODE, utf8(reasonCode));
        copy.headers().add(DeadLetterHeaders.DETAIL, utf8(detail));
        copy.headers().add(DeadLetterHeaders.SOURCE_TOPIC, utf8(source.topic()));
        copy.headers().add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        copy.headers().add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        // The detail names the field and the rule, never the record's content.
        LOG.warnf("dead-lettering %s-%d@%d: %s", source.topic(), source.partition(), source.offset(), reasonCode);
        metrics.deadLettered(topic.topicName(), reasonCode);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        kafka.producer().send(copy, (metadata, error) -> {
            if (error != null) {
                ack.completeExceptionally(error);
            } else {
                ack.complete(null);
            }
        });
        return ack;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
