package net.secureconnect.runtime.kafka;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.Map;

/** One Kafka admin client per service, built from the same {@code kafka.*} settings as producers and consumers. */
@ApplicationScoped
public class KafkaAdmin {

    private final Map<String, Object> settings;
    private volatile Admin admin;

    public KafkaAdmin(KafkaClientSettings clients) {
        this.settings = Map.copyOf(clients.admin());
    }

    public Admin admin() {
        Admin current = admin;
        if (current == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = Admin.create(settings);
                }
                current = admin;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
