package net.secureconnect.identity.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.ResponseStatus;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.service.AccountService;
import net.secureconnect.identity.service.DeviceService;
import net.secureconnect.identity.service.KeyDirectory;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's devices and their keys. Every path is the owner's only (403 for anyone else). */
@Path("/v1/accounts/{accountId}/devices")
@RolesAllowed(Roles.USER)
@Tag(name = "devices")
@SecurityRequirement(name = "SecurityScheme")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final AccountService accounts;
    private final DeviceService devices;
    private final KeyDirectory keys;
    private final JsonWebToken token;

    public DeviceResource(AccountService accounts, DeviceService devices, KeyDirectory keys, JsonWebToken token) {
        this.accounts = accounts;
        this.devices = devices;
        this.keys = keys;
        this.token = token;
    }

    @GET
    @Operation(summary = "The account's devices")
    @APIResponse(responseCode = "200", description = "The devices")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    public Views.DeviceListView list(@PathParam("accountId") String accountId) {
        Account owner = accounts.requireOwner(token.getSubject(), accountId);
        return new Views.DeviceListView(devices.list(owner).stream().map(Views.DeviceView::of).toList());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @Operation(summary = "Register a device with its identity, agreement key and signed prekey; publishes DeviceAdded")
    @APIResponse(responseCode = "201", description = "Registered; the device id and the account's devices")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, UNKNOWN_FIELD")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "409", description = "DEVICE_LIMIT_REACHED")
    @APIResponse(responseCode = "422", description = "INVALID_SIGNATURE")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.RegisteredDeviceView register(@PathParam("accountId") String accountId,
                                               @NotNull @Valid KeyBodies.DeviceRegistration registration) {
        Account owner = accounts.requireOwner(token.getSubject(), accountId);
        DeviceService.Registered registered = devices.register(owner, registration.toModel());
        return new Views.RegisteredDeviceView(registered.deviceId(), registered.devices());
    }

    @DELETE
    @Path("/{deviceId}")
    @Operation(summary = "Remove a device and its keys; publishes DeviceRemoved")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "404", description = "DEVICE_NOT_FOUND")
    public void remove(@PathParam("accountId") String accountId, @PathParam("deviceId") int deviceId) {
        devices.remove(accounts.requireOwner(token.getSubject(), accountId), deviceId);
    }

    @PUT
    @Path("/{deviceId}/identity")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-register a device with new keys; a new identity key publishes IdentityKeyChanged")
    @APIResponse(responseCode = "200", description = "Replaced")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, UNKNOWN_FIELD")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "404", description = "DEVICE_NOT_FOUND")
    @APIResponse(responseCode = "422", description = "INVALID_SIGNATURE")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public Views.IdentityReplacedView replaceIdentity(@PathParam("accountId") String accountId,
                                                      @PathParam("deviceId") int deviceId,
                                                      @NotNull @Valid KeyBodies.DeviceRegistration registration) {
        Account owner = accounts.requireOwner(token.getSubject(), accountId);
        boolean changed = devices.replaceIdentity(owner, deviceId, registration.toModel());
        return new Views.IdentityReplacedView(deviceId, changed);
    }

    @PUT
    @Path("/{deviceId}/keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Upload a signed prekey, post-quantum last-resort key and/or one-time keys (a list replaces that pool)")
    @APIResponse(responseCode = "204", description = "Stored")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, UNKNOWN_FIELD, DUPLICATE_KEY_ID, EMPTY_KEY_UPLOAD")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "404", description = "DEVICE_NOT_FOUND")
    @APIResponse(responseCode = "409", description = "IDENTITY_KEY_CHANGED")
    @APIResponse(responseCode = "422", description = "INVALID_SIGNATURE")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED")
    public void upload(@PathParam("accountId") String accountId, @PathParam("deviceId") int deviceId,
                       @NotNull @Valid KeyBodies.KeyUpload upload) {
        keys.upload(accounts.requireOwner(token.getSubject(), accountId), deviceId, upload.toModel());
    }

    @GET
    @Path("/{deviceId}/keys")
    @Operation(summary = "How many one-time keys the device has left, and its current signed and last-resort key ids")
    @APIResponse(responseCode = "200", description = "Counts")
    @APIResponse(responseCode = "403", description = "NOT_ACCOUNT_OWNER")
    @APIResponse(responseCode = "404", description = "DEVICE_NOT_FOUND")
    public Views.KeyCountsView counts(@PathParam("accountId") String accountId, @PathParam("deviceId") int deviceId) {
        KeyDirectory.KeyCounts counts = keys.counts(accounts.requireOwner(token.getSubject(), accountId), deviceId);
        return new Views.KeyCountsView(counts.oneTimePrekeys(), counts.kemOneTimePrekeys(), counts.signedPrekeyId(),
                counts.kemLastResortPrekeyId());
    }
}
