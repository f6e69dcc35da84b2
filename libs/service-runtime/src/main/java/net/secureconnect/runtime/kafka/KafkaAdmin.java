package net.secureconnect.runtime.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** One Kafka admin client per service, built from the same {@code kafka.*} settings as producers and consumers. */
@ApplicationScoped
public class KafkaAdmin {

    private final Map<String, Object> settings;
    private volatile Admin admin;

    public KafkaAdmin(@Identifier("default-kafka-broker") Map<String, Object> kafkaSettings) {
        Set<String> known = AdminClientConfig.configNames();
        Map<String, Object> adminSettings = new HashMap<>();
        kafkaSettings.forEach((key, value) -> {
            if (known.contains(key)) {
                adminSettings.put(key, value);
            }
        });
        // Fail fast instead of the 60 s client default: readiness probes and retries call us.
        adminSettings.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        adminSettings.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        this.settings = Map.copyOf(adminSettings);
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
