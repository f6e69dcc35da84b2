package net.secureconnect.media.storage;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.s3.S3Client;

/** Ready when the object store answers and the attachment bucket exists. */
@Readiness
@ApplicationScoped
public class ObjectStoreReadinessCheck implements HealthCheck {

    private final S3Client s3;
    private final MediaBucket bucket;

    public ObjectStoreReadinessCheck(S3Client s3, MediaBucket bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            s3.headBucket(b -> b.bucket(bucket.name()));
            return HealthCheckResponse.named("s3").up().withData("bucket", bucket.name()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("s3").down().withData("bucket", bucket.name())
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
