package net.secureconnect.media.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/** media-service settings (environment variables: docs/conventions.md, defaults: docs/media.md). */
@ConfigMapping(prefix = "secureconnect.media")
public interface MediaConfig {

    /** Bucket holding the encrypted attachments (ciphertext only). */
    @WithDefault("secureconnect-media")
    String bucket();

    /** Create the bucket (and set its CORS rules) at startup when missing. Off where IaC manages buckets. */
    @WithDefault("true")
    boolean createBucket();

    /** Browser origins allowed to PUT and GET objects through presigned URLs (CORS). */
    @WithDefault("*")
    List<String> corsOrigins();

    /** Largest file a client may declare, in bytes (default 2 GiB). Larger → 413 before any URL. */
    @WithDefault("2147483648")
    long maxSize();

    /** Declared sizes above this are uploaded in parts (multipart upload, one presigned URL per part). */
    @WithDefault("67108864")
    long multipartThreshold();

    /** Size of each part but the last in a multipart upload (S3: at least 5 MiB, at most 10,000 parts). */
    @WithDefault("16777216")
    long partSize();

    /** How long a presigned upload URL is valid. */
    @WithDefault("15m")
    Duration uploadUrlTtl();

    /** How long a presigned download URL is valid. */
    @WithDefault("5m")
    Duration downloadUrlTtl();

    /** An upload not completed within this time is swept: object removed, authorization released. */
    @WithDefault("1h")
    Duration uploadWindow();

    /** How long an available file is kept before the sweep removes it. */
    @WithDefault("30d")
    Duration retention();

    /** How often the sweep looks for expired uploads and files. */
    @WithDefault("1m")
    Duration sweepInterval();

    /** How long an upload request waits for the wallet's answer to its authorization. */
    @WithDefault("10s")
    Duration walletTimeout();

    /** New upload slots one account may open in a burst (per instance); replays of a key do not count. */
    @WithDefault("30")
    int uploadRateCapacity();

    /** One more slot may be opened every this long once the burst is used up. */
    @WithDefault("10s")
    Duration uploadRateRefillEvery();
}
