package net.secureconnect.media.storage;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.media.config.MediaConfig;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URL;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The bucket's objects, one per media id, through the AWS SDK: presigned PUT and GET URLs the client uses directly
 * (the bytes never pass through this service), the size check at completion, and removal.
 */
@ApplicationScoped
public class ObjectStore {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public ObjectStore(S3Client s3, S3Presigner presigner, MediaConfig config) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = config.bucket();
    }

    /**
     * A URL to PUT exactly {@code size} bytes at {@code key}: Content-Length is a signed header, so the store
     * refuses any other length, and the signature expires after {@code ttl}.
     */
    public URL uploadUrl(String key, long size, Duration ttl) {
        return presigner.presignPutObject(b -> b.signatureDuration(ttl)
                .putObjectRequest(put -> put.bucket(bucket).key(key).contentLength(size))).url();
    }

    /** A URL to GET the object, valid for {@code ttl}. */
    public URL downloadUrl(String key, Duration ttl) {
        return presigner.presignGetObject(b -> b.signatureDuration(ttl)
                .getObjectRequest(get -> get.bucket(bucket).key(key))).url();
    }

    /** The stored object's size, or empty when nothing was uploaded. */
    public OptionalLong size(String key) {
        try {
            return OptionalLong.of(s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        } catch (NoSuchKeyException missing) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    /** Removes the object; removing a missing one is not an error (S3 semantics). */
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }
}
