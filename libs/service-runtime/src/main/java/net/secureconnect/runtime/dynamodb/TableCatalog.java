package net.secureconnect.runtime.dynamodb;

import java.util.List;

/** Implemented once per service: the DynamoDB tables it owns. */
public interface TableCatalog {
    List<TableSpec> tables();
}
