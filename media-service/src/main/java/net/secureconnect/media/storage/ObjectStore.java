package net.secureconnect.media.storage;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.media.config.MediaConfig;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URL;
import java.time.Duration;
import java.util.List;
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

    /** Starts a multipart upload of {@code key}; returns the store's upload id. */
    public String startMultipart(String key) {
        return s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    }

    /** A URL to PUT part {@code partNumber} (1-based) of exactly {@code size} bytes, valid for {@code ttl}. */
    public URL partUrl(String key, String uploadId, int partNumber, long size, Duration ttl) {
        return presigner.presignUploadPart(b -> b.signatureDuration(ttl).uploadPartRequest(part -> part.bucket(bucket)
                .key(key).uploadId(uploadId).partNumber(partNumber).contentLength(size))).url();
    }

    /**
     * Assembles the uploaded parts (ETags as the client got them from each part's PUT); false when the store refuses
     * them (a part missing, an ETag wrong, or the upload already completed or aborted).
     */
    public boolean completeMultipart(String key, String uploadId, List<CompletedPart> parts) {
        try {
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(parts)));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 400 || e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Drops an unfinished multipart upload and its parts; an unknown or finished one is not an error. */
    public void abortMultipart(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
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
