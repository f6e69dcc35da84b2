package net.secureconnect.media.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables media-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class MediaTables implements TableCatalog {

    @Override
    public List<TableSpec> tables() {
        return List.of(
            // Metadata only; the encrypted bytes are in the object store. The sweep acts on dueAt; the TTL is a backstop.
            TableSpec.of(MediaStore.TABLE, Key.string(MediaStore.MEDIA_ID)).withTtl(MediaStore.EXPIRES_AT),
            // Idempotency-Key of each upload request, per account, with the slot it created; expires after a day.
            TableSpec.of(UploadKeyStore.TABLE, Key.string(UploadKeyStore.KEY)).withTtl(UploadKeyStore.EXPIRES_AT));
    }
}
