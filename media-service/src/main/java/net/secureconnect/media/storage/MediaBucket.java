package net.secureconnect.media.storage;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.media.config.MediaConfig;
import net.secureconnect.runtime.config.BackgroundProvisioning;
import net.secureconnect.runtime.config.PlatformConfig;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Makes sure the attachment bucket exists, the same way in production, the local stack and tests. */
@ApplicationScoped
public class MediaBucket {

    private static final Logger LOG = Logger.getLogger(MediaBucket.class);

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
                // Private by default (no ACL grants, no policy): objects are reachable through presigned URLs only.
                s3.createBucket(b -> b.bucket(media.bucket()));
            } catch (BucketAlreadyOwnedByYouException createdConcurrently) {
                // another instance created it first
            }
        }
        allowBrowserUploads();
    }

    /**
     * CORS for the web client's direct PUT/GET through presigned URLs. Header names are listed in both cases:
     * browsers send {@code content-type} in lower case and some stores (s3proxy) match names case-sensitively.
     * Stores without the bucket CORS API (s3proxy answers 501) are configured by their own settings instead
     * (docs/media.md).
     */
    private void allowBrowserUploads() {
        CORSRule rule = CORSRule.builder()
                .allowedOrigins(media.corsOrigins())
                .allowedMethods("PUT", "GET", "HEAD")
                .allowedHeaders("content-type", "Content-Type", "content-length", "Content-Length")
                .exposeHeaders("ETag")
                .maxAgeSeconds(3600)
                .build();
        try {
            s3.putBucketCors(b -> b.bucket(media.bucket()).corsConfiguration(c -> c.corsRules(rule)));
        } catch (S3Exception e) {
            if (e.statusCode() != 501) {
                throw e;
            }
            LOG.infof("the object store has no bucket CORS API (HTTP 501); CORS comes from its own configuration");
        }
    }
}
