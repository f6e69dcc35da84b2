package net.secureconnect.media.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** media-service settings. */
@ConfigMapping(prefix = "secureconnect.media")
public interface MediaConfig {

    /** Bucket holding the encrypted attachments (ciphertext only). */
    @WithDefault("secureconnect-media")
    String bucket();

    /** Create the bucket at startup when missing. Turn off where buckets are managed by IaC. */
    @WithDefault("true")
    boolean createBucket();
}
