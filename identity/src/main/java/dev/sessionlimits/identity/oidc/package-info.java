/**
 * OpenID Connect sign-in: {@link dev.sessionlimits.identity.oidc.OidcConfig} read from the
 * environment, {@link dev.sessionlimits.identity.oidc.OidcClient} for the authorization code flow
 * with PKCE, back-channel logout tokens and RP-initiated logout, and the sealed answers the server
 * turns into HTTP responses.
 */
package dev.sessionlimits.identity.oidc;
