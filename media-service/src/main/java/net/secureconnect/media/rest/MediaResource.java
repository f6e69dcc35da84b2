package net.secureconnect.media.rest;

import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.annotation.security.RolesAllowed;
import net.secureconnect.runtime.security.Roles;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import net.secureconnect.media.model.MediaItem;
import net.secureconnect.media.service.MediaService;
import net.secureconnect.runtime.rest.ProblemException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Encrypted attachments. The caller's account is the token's subject. The bytes go straight between the client
 * and the object store through presigned URLs; this API only hands out slots and URLs, and charges.
 *
 * <p>Every endpoint blocks on I/O (DynamoDB, the object store, Kafka; an upload also waits up to
 * {@code wallet-timeout} for the wallet's answer), so each runs on a virtual thread: a request parked on I/O holds
 * no worker thread, and a late wallet no longer queues every other request behind the 200 worker threads
 * (docs/benchmarks.md, "media-service: uploads waiting for the wallet").
 */
@Path("/media")
@RolesAllowed(Roles.USER)
@Tag(name = "media")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class MediaResource {

    /** Media ids: 24 base64url characters (18 random bytes). */
    static final String MEDIA_ID = "[A-Za-z0-9_-]{24}";
    /** As payment-service's top-ups: 1-128 visible ASCII characters. */
    private static final java.util.regex.Pattern IDEMPOTENCY_KEY = java.util.regex.Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final MediaService media;
    private final JsonWebToken token;

    public MediaResource(MediaService media, JsonWebToken token) {
        this.media = media;
        this.token = token;
    }

    /** The declared size of the ciphertext to upload. */
    public record UploadRequest(@NotNull @Min(1) @Max(Long.MAX_VALUE) Long size) {
    }

    /**
     * Where to upload: {@code method} PUT with {@code uploadUrl} and {@code headers}, or MULTIPART with one PUT per
     * entry of {@code parts} (exactly {@code size} bytes each, in any order; keep each answer's ETag for complete).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UploadView(String mediaId, String method, String uploadUrl, Map<String, String> headers,
                             List<PartView> parts, Instant urlExpiresAt, Instant uploadBy) {
    }

    public record PartView(int partNumber, long size, String uploadUrl) {
    }

    /** For a multipart upload: the ETag the store answered for each part. Empty body for a single PUT. */
    public record CompleteRequest(@Valid @Size(max = 10_000) List<@NotNull @Valid UploadedPart> parts) {
    }

    public record UploadedPart(@NotNull @Min(1) @Max(10_000) Integer partNumber,
                               @NotNull @Size(min = 1, max = 256) String etag) {
    }

    public record MediaView(String mediaId, long size, String state, Instant availableUntil) {
        static MediaView of(MediaItem item) {
            return new MediaView(item.mediaId(), item.size(), item.state().name(), item.dueAt());
        }
    }

    public record DownloadView(String mediaId, String downloadUrl) {
    }

    @RunOnVirtualThread
    @POST
    @Path("uploads")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Pay for one file transfer (3 credits by default) and get a presigned PUT URL")
    @APIResponse(responseCode = "201", description = "The slot and where to PUT exactly `size` bytes; a repeat with the same Idempotency-Key and size answers the same slot (header `Idempotent-Replayed: true`, fresh URLs, no second charge)")
    @APIResponse(responseCode = "400", description = "Malformed body, size or Idempotency-Key (MALFORMED_JSON, VALIDATION_FAILED, IDEMPOTENCY_KEY_INVALID)")
    @APIResponse(responseCode = "409", description = "The key's upload is already complete (UPLOAD_ALREADY_COMPLETED)")
    @APIResponse(responseCode = "410", description = "The key's upload expired or was cancelled (MEDIA_GONE)")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used with another size (IDEMPOTENCY_KEY_REUSED)")
    @APIResponse(responseCode = "429", description = "Too many new uploads from this account (RATE_LIMITED, Retry-After)")
    @APIResponse(responseCode = "402", description = "The balance cannot pay (INSUFFICIENT_CREDITS); nothing charged")
    @APIResponse(responseCode = "413", description = "Declared size over the limit (MEDIA_TOO_LARGE)")
    @APIResponse(responseCode = "503", description = "The wallet did not answer (WALLET_UNAVAILABLE)")
    public Response upload(@HeaderParam("Idempotency-Key") String idempotencyKey,
                           @NotNull @Valid UploadRequest request) {
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw new ProblemException(400, "IDEMPOTENCY_KEY_INVALID", "Invalid Idempotency-Key",
                    "an Idempotency-Key is 1-128 visible ASCII characters");
        }
        MediaService.Upload upload = media.startUpload(token.getSubject(), request.size(), idempotencyKey);
        UploadView view = upload.item().multipart()
                ? new UploadView(upload.item().mediaId(), "MULTIPART", null, null, upload.parts().stream()
                        .map(part -> new PartView(part.partNumber(), part.size(), part.url().toString())).toList(),
                        upload.urlExpiresAt(), upload.item().dueAt())
                : new UploadView(upload.item().mediaId(), "PUT", upload.url().toString(),
                        Map.of("Content-Length", Long.toString(request.size())), null, upload.urlExpiresAt(),
                        upload.item().dueAt());
        Response.ResponseBuilder answer = Response.created(URI.create("/media/" + upload.item().mediaId())).entity(view);
        return upload.replayed() ? answer.header("Idempotent-Replayed", "true").build() : answer.build();
    }

    @RunOnVirtualThread
    @POST
    @Path("uploads/{mediaId}/complete")
    @Operation(summary = "Confirm the upload: checks the stored size, makes the file available; idempotent")
    @APIResponse(responseCode = "200", description = "Available (also on a repeated call, charged once)")
    @APIResponse(responseCode = "403", description = "Not the uploader (NOT_MEDIA_OWNER)")
    @APIResponse(responseCode = "404", description = "Unknown id (MEDIA_NOT_FOUND)")
    @APIResponse(responseCode = "400", description = "A multipart upload without its parts (PARTS_REQUIRED)")
    @APIResponse(responseCode = "409", description = "Nothing, not every part or the wrong size stored (UPLOAD_INCOMPLETE, SIZE_MISMATCH)")
    @APIResponse(responseCode = "410", description = "Expired or removed (MEDIA_GONE)")
    @Consumes(MediaType.APPLICATION_JSON)
    public MediaView complete(@PathParam("mediaId") @Pattern(regexp = MEDIA_ID) String mediaId,
                              @Valid CompleteRequest request) {
        List<CompletedPart> parts = request == null || request.parts() == null ? List.of() : request.parts().stream()
                .map(part -> CompletedPart.builder().partNumber(part.partNumber()).eTag(part.etag()).build()).toList();
        return MediaView.of(media.complete(token.getSubject(), mediaId, parts));
    }

    @RunOnVirtualThread
    @GET
    @Path("{mediaId}")
    @Operation(summary = "A short-lived presigned GET URL for an available file")
    @APIResponse(responseCode = "200", description = "Where to GET the ciphertext")
    @APIResponse(responseCode = "404", description = "Unknown, not yet complete, or removed (MEDIA_NOT_FOUND)")
    public DownloadView download(@PathParam("mediaId") @Pattern(regexp = MEDIA_ID) String mediaId) {
        return new DownloadView(mediaId, media.downloadUrl(mediaId).toString());
    }

    @RunOnVirtualThread
    @DELETE
    @Path("{mediaId}")
    @Operation(summary = "Remove a file early, or cancel an upload (its hold is given back)")
    @APIResponse(responseCode = "204", description = "Removed (also when already removed)")
    @APIResponse(responseCode = "403", description = "Not the uploader (NOT_MEDIA_OWNER)")
    @APIResponse(responseCode = "404", description = "Unknown id (MEDIA_NOT_FOUND)")
    public void delete(@PathParam("mediaId") @Pattern(regexp = MEDIA_ID) String mediaId) {
        media.delete(token.getSubject(), mediaId);
    }
}
