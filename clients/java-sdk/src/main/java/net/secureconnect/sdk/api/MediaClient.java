package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;
import net.secureconnect.sdk.attachment.AttachmentCipher;
import net.secureconnect.sdk.attachment.AttachmentPointer;
import net.secureconnect.sdk.protocol.MessageContent;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Attachments through media-service (docs/media.md): the file is encrypted locally with a random key
 * ({@link AttachmentCipher}, secretstream) into a temporary file, the ciphertext goes straight to the object
 * store through the presigned URL, and the returned {@link MessageContent.Attachment} (media id, key, size,
 * digest) travels inside an end-to-end-encrypted message. A slot costs FILE_TRANSFER credits:
 * {@link ApiException.InsufficientCredits} (402) when the wallet cannot pay.
 */
public final class MediaClient {

    private static final Duration TRANSFER_TIMEOUT = Duration.ofMinutes(30);

    private final HttpClient http;
    private final HttpJson api;

    /** @param base e.g. {@code http://127.0.0.1:8084/} */
    public MediaClient(HttpClient http, URI base, Supplier<String> accessToken) {
        this.http = http;
        this.api = new HttpJson(http, base, accessToken);
    }

    /**
     * Encrypts and uploads {@code file}; {@code progress} is told the ciphertext bytes sent so far (and the
     * total first, as a negative number).
     */
    public MessageContent.Attachment upload(Path file, String contentType, LongConsumer progress) {
        Path sealed = null;
        try {
            sealed = Files.createTempFile("sc-upload-", ".bin");
            AttachmentPointer pointer;
            try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(sealed)) {
                pointer = AttachmentCipher.encrypt(in, out);
            }
            long size = Files.size(sealed);
            JsonNode slot = api.post("media/uploads", Map.of("size", size));
            String mediaId = slot.path("mediaId").asText();
            progress.accept(-size);
            if ("MULTIPART".equals(slot.path("method").asText())) {
                List<Map<String, Object>> parts = uploadParts(sealed, slot.path("parts"), progress);
                api.post("media/uploads/" + IdentityClient.segment(mediaId) + "/complete", Map.of("parts", parts));
                return new MessageContent.Attachment(mediaId, contentType, file.getFileName().toString(), pointer);
            }
            Path body = sealed;
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(slot.path("uploadUrl").asText())).timeout(TRANSFER_TIMEOUT)
                    .method(slot.path("method").asText("PUT"), HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> counting(body, progress)), size));
            slot.path("headers").fields().forEachRemaining(h -> {
                if (!h.getKey().equalsIgnoreCase("Content-Length") && !h.getKey().equalsIgnoreCase("Host")) {
                    put.header(h.getKey(), h.getValue().asText());
                }
            });
            HttpResponse<String> stored = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
            if (stored.statusCode() / 100 != 2) {
                throw new ApiException.ServerOrNetwork(stored.statusCode(), "UPLOAD_FAILED",
                        "the object store refused the upload: " + stored.statusCode());
            }
            api.post("media/uploads/" + IdentityClient.segment(mediaId) + "/complete", Map.of());
            return new MessageContent.Attachment(mediaId, contentType, file.getFileName().toString(), pointer);
        } catch (IOException e) {
            throw new ApiException.ServerOrNetwork("upload of " + file + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.ServerOrNetwork("interrupted", e);
        } finally {
            if (sealed != null) {
                try {
                    Files.deleteIfExists(sealed);
                } catch (IOException ignored) {
                    // a temporary file of ciphertext only
                }
            }
        }
    }

    /**
     * A large upload (docs/media.md): each part of the ciphertext, in order, to its own presigned URL; returns the
     * part numbers with the ETags the store answered, which {@code complete} needs to assemble the object.
     */
    private List<Map<String, Object>> uploadParts(Path sealed, JsonNode parts, LongConsumer progress)
            throws IOException, InterruptedException {
        List<Map<String, Object>> uploaded = new ArrayList<>();
        long offset = 0;
        long sent = 0;
        try (RandomAccessFile in = new RandomAccessFile(sealed.toFile(), "r")) {
            for (JsonNode part : parts) {
                byte[] chunk = new byte[Math.toIntExact(part.path("size").asLong())];
                in.seek(offset);
                in.readFully(chunk);
                HttpResponse<Void> stored = http.send(HttpRequest.newBuilder(URI.create(part.path("uploadUrl").asText()))
                        .timeout(TRANSFER_TIMEOUT).PUT(HttpRequest.BodyPublishers.ofByteArray(chunk)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (stored.statusCode() / 100 != 2 || stored.headers().firstValue("ETag").isEmpty()) {
                    throw new ApiException.ServerOrNetwork(stored.statusCode(), "UPLOAD_FAILED",
                            "the object store refused part " + part.path("partNumber").asInt() + ": " + stored.statusCode());
                }
                uploaded.add(Map.of("partNumber", part.path("partNumber").asInt(),
                        "etag", stored.headers().firstValue("ETag").get()));
                offset += chunk.length;
                sent += chunk.length;
                progress.accept(sent);
            }
        }
        return uploaded;
    }

    /** Downloads and decrypts an attachment to {@code target}; nothing is left there unless every check passed. */
    public void download(MessageContent.Attachment attachment, Path target) {
        JsonNode media = api.get("media/" + IdentityClient.segment(attachment.blobId()));
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(media.path("downloadUrl").asText()))
                    .timeout(TRANSFER_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new ApiException.ServerOrNetwork(response.statusCode(), "DOWNLOAD_FAILED",
                            "the object store answered " + response.statusCode());
                }
                AttachmentCipher.decryptToFile(in, target, attachment.pointer());
            }
        } catch (IOException e) {
            throw new ApiException.ServerOrNetwork("download of " + attachment.blobId() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException.ServerOrNetwork("interrupted", e);
        }
    }

    private static InputStream counting(Path file, LongConsumer progress) {
        try {
            return new FilterInputStream(Files.newInputStream(file)) {
                private long sent;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        sent += n;
                        progress.accept(sent);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
