package net.secureconnect.media.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeadLetterHeaders;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.media.service.MediaService;
import net.secureconnect.runtime.kafka.KafkaClientSettings;
import net.secureconnect.runtime.metrics.KafkaClientMeters;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Follows {@code accounts} in the group {@value #GROUP}: an {@link AccountDeleted} removes the account's files,
 * uploads (holds released once) and Idempotency-Keys. At least once: the offsets are committed after the poll's
 * deletions are done, so a crash repeats them (they are idempotent); a failing dependency stops the poll and it
 * is read again. A record that does not decode is parked in {@code accounts.dead-letter}, reason in the headers.
 */
@ApplicationScoped
public class AccountEventsConsumer {

    private static final Logger LOG = Logger.getLogger(AccountEventsConsumer.class);
    static final String GROUP = "media-service-accounts";

    private final KafkaClientSettings settings;
    private final KafkaClientMeters clientMeters;
    private final MediaService media;
    private final MeterRegistry metrics;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private KafkaProducer<String, byte[]> deadLetters;

    public AccountEventsConsumer(KafkaClientSettings settings, MediaService media, MeterRegistry metrics,
                                 KafkaClientMeters clientMeters) {
        this.settings = settings;
        this.clientMeters = clientMeters;
        this.media = media;
        this.metrics = metrics;
    }

    // After the shared provisioners (default priority), which create the tables and topics.
    void onStart(@Observes @Priority(3000) StartupEvent event) {
        running = true;
        Thread thread = new Thread(this::run, "media-account-events");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        KafkaConsumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    private void run() {
        while (running) {
            Map<String, Object> props = new HashMap<>(settings.consumer("media-account-events", GROUP));
            // A new group starts at the beginning: no deletion published before this service first ran is missed.
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<String, byte[]> kafka = new KafkaConsumer<>(props);
                 var meters = clientMeters.bind(kafka, "media-account-events")) {
                consumer = kafka;
                kafka.subscribe(List.of(Topic.ACCOUNTS.topicName()));
                while (running) {
                    ConsumerRecords<String, byte[]> records = kafka.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> record : records) {
                        handle(record);
                    }
                    if (!records.isEmpty()) {
                        kafka.commitSync();
                    }
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                // Nothing of the failed poll was committed: it is read again after the pause.
                LOG.warnf("account events consumer failed (%s); restarting from the committed offsets in 2 s",
                        e.getClass().getSimpleName());
                sleep();
            }
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        DecodeResult decoded = EventJson.decode(Topic.ACCOUNTS, record.value());
        if (decoded instanceof DecodeResult.Rejected rejected) {
            park(record, rejected.reason().name(), rejected.detail());
            return;
        }
        if (((DecodeResult.Decoded) decoded).event() instanceof AccountDeleted deleted) {
            int removed = media.deleteAccount(deleted.accountId());
            LOG.infof("account deleted: %d media slots removed", removed);
        }
    }

    /** Waits for the dead-letter copy's acknowledgement: only then may the source offset be committed. */
    private void park(ConsumerRecord<String, byte[]> source, String reasonCode, String detail) {
        ProducerRecord<String, byte[]> copy = new ProducerRecord<>(Topic.ACCOUNTS.deadLetterTopic(), null,
                source.key(), source.value());
        copy.headers().add(DeadLetterHeaders.REASON_CODE, utf8(reasonCode));
        copy.headers().add(DeadLetterHeaders.DETAIL, utf8(detail));
        copy.headers().add(DeadLetterHeaders.SOURCE_TOPIC, utf8(source.topic()));
        copy.headers().add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        copy.headers().add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        LOG.warnf("dead-lettering %s-%d@%d: %s", source.topic(), source.partition(), source.offset(), reasonCode);
        try {
            deadLetters().send(copy).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (Exception e) {
            throw new IllegalStateException("dead letter not acknowledged", e);
        }
        metrics.counter("media_dead_lettered_total", "topic", source.topic(), "reason", reasonCode).increment();
    }

    private synchronized KafkaProducer<String, byte[]> deadLetters() {
        if (deadLetters == null) {
            deadLetters = new KafkaProducer<>(settings.producer("media-dead-letters"));
        }
        return deadLetters;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
