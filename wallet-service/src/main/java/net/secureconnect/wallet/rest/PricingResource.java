package net.secureconnect.wallet.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import net.secureconnect.contracts.PriceList;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The prices in force, public: clients show them, relay and media check balances against them. */
@Path("/pricing")
@Tag(name = "pricing")
public class PricingResource {

    private final PriceList prices;

    public PricingResource(PriceList prices) {
        this.prices = prices;
    }

    @GET
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Credits per unit of every usage kind")
    @APIResponse(responseCode = "200", description = "The price list, e.g. {\"prices\":{\"MESSAGE\":1,\"CALL_MINUTE\":5,\"FILE_TRANSFER\":3}}")
    public PriceList pricing() {
        return prices;
    }
}
