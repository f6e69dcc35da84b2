package net.secureconnect.media.storage;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.media.config.MediaConfig;
import net.secureconnect.runtime.config.BackgroundProvisioning;
import net.secureconnect.runtime.config.PlatformConfig;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Makes sure the attachment bucket exists, the same way in production, the local stack and tests. */
@ApplicationScoped
public class MediaBucket {

    private final S3Client s3;
    private final MediaConfig media;
    private final PlatformConfig platform;
    private BackgroundProvisioning provisioning;

    public MediaBucket(S3Client s3, MediaConfig media, PlatformConfig platform) {
        this.s3 = s3;
        this.media = media;
        this.platform = platform;
    }

    void onStart(@Observes StartupEvent event) {
        provisioning = new BackgroundProvisioning("s3-bucket", this::ensure, platform.provisioningRetryInterval());
        provisioning.start(media.createBucket());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (provisioning != null) {
            provisioning.stop();
        }
    }

    public String name() {
        return media.bucket();
    }

    void ensure() {
        try {
            s3.headBucket(b -> b.bucket(media.bucket()));
        } catch (NoSuchBucketException missing) {
            try {
                s3.createBucket(b -> b.bucket(media.bucket()));
            } catch (BucketAlreadyOwnedByYouException createdConcurrently) {
                // another instance created it first
            }
        }
    }
}
