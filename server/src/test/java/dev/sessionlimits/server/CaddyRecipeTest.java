package dev.sessionlimits.server;

/** {@link ProxyRecipeTests} through the real Caddy, run from {@code examples/caddy/Caddyfile}. */
class CaddyRecipeTest extends ProxyRecipeTests {

  CaddyRecipeTest() {
    super(ProxyProcess.Kind.CADDY);
  }
}
