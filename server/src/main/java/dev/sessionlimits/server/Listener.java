package dev.sessionlimits.server;

import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's one port: {@code SESSIONLIMITS_BIND} and {@code SESSIONLIMITS_PORT}, serving HTTPS
 * with the PEM files of {@code SESSIONLIMITS_TLS_CERT}/{@code _KEY} when they are set, plain HTTP
 * otherwise.
 */
final class Listener {

  /**
   * Connections the operating system holds for the server before it accepts them. The JDK's default
   * of 50 makes Linux reset connections of a burst (SYN cookies, then the handshake's end dropped);
   * the kernel caps this at {@code net.core.somaxconn}.
   */
  private static final int ACCEPT_QUEUE = 1024;

  private Listener() {}

  /** The connector of {@code config}'s address and port, TLS or plain, on {@code http}. */
  static ServerConnector connector(
      Server server,
      HttpConfiguration http,
      ServerConfig config,
      Duration idleTimeout,
      Duration requestReadTimeout) {
    ServerConnector connector;
    if (config.tls()) {
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStore(TlsFiles.keyStore(config.tlsCert(), config.tlsKey()));
      tls.setKeyStorePassword(new String(TlsFiles.PASSWORD));
      tls.setCertAlias(TlsFiles.ALIAS);
      // Clients may reach the server by any name or address (a proxy, 127.0.0.1): the certificate
      // is the operator's choice, and the client checks it.
      tls.setSniRequired(false);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      secure.setSniHostCheck(false);
      http.addCustomizer(secure);
      connector =
          new ServerConnector(
              server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    connector.setHost(config.bind());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(ACCEPT_QUEUE);
    connector.setIdleTimeout(idleTimeout.toMillis());
    connector.addBean(new RequestReadTimeouts(connector, requestReadTimeout));
    return connector;
  }

  /**
   * {@code failure} of starting the server told in terms of the configuration when it is the port
   * or address that could not be had; {@code failure} itself otherwise.
   */
  static RuntimeException startFailure(RuntimeException failure, ServerConfig config) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof BindException || cause instanceof UnresolvedAddressException) {
        String where =
            (config.bind() == null ? "every interface" : config.bind()) + ", port " + config.port();
        return new IllegalStateException(
            "Cannot listen on "
                + where
                + " (SESSIONLIMITS_BIND="
                + (config.bind() == null ? "" : config.bind())
                + ", SESSIONLIMITS_PORT="
                + config.port()
                + "): "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage())
                + ". Another process may hold the port, or the address is not one of this"
                + " machine's.",
            failure);
      }
    }
    return failure;
  }
}
