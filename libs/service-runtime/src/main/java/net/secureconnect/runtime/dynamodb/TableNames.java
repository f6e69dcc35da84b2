package net.secureconnect.runtime.dynamodb;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.config.PlatformConfig;

/** Maps a logical table name to the physical one (configured prefix + name). */
@ApplicationScoped
public class TableNames {

    private final String prefix;

    public TableNames(PlatformConfig config) {
        this.prefix = config.dynamodb().tablePrefix();
    }

    public String physical(String logicalName) {
        return prefix + logicalName;
    }

    public String physical(TableSpec spec) {
        return physical(spec.name());
    }
}
