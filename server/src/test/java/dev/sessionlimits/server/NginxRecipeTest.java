package dev.sessionlimits.server;

/** {@link ProxyRecipeTests} through the real nginx, run from {@code examples/nginx/nginx.conf}. */
class NginxRecipeTest extends ProxyRecipeTests {

  NginxRecipeTest() {
    super(ProxyProcess.Kind.NGINX);
  }
}
