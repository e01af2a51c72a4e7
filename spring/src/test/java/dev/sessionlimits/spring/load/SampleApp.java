package dev.sessionlimits.spring.load;

import dev.sessionlimits.core.SessionManager;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running instance of a sample application on an ephemeral port, started in this JVM with
 * {@link SpringApplicationBuilder}; closed by {@link #close}.
 */
final class SampleApp implements AutoCloseable {

  private final ConfigurableApplicationContext context;
  private final URI base;

  private SampleApp(ConfigurableApplicationContext context) {
    this.context = context;
    this.base =
        URI.create(
            "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/");
  }

  /**
   * Starts {@link SampleApplication} (plus {@code sources}) with {@code properties}. They are given
   * as command-line arguments, the strongest source, and no application.properties is read, so
   * nothing another test puts on the class path changes these applications.
   */
  static SampleApp start(Map<String, String> properties, Class<?>... sources) {
    List<String> arguments = new ArrayList<>();
    arguments.add("--server.port=0");
    arguments.add("--spring.config.name=sessionlimits-load-test-none");
    arguments.add("--spring.main.banner-mode=off");
    arguments.add("--spring.jmx.enabled=false");
    arguments.add("--logging.level.root=WARN");
    // the DispatcherServlet ready before the first round, not made by its 50 first requests
    arguments.add("--spring.mvc.servlet.load-on-startup=1");
    properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
    Class<?>[] all = new Class<?>[sources.length + 1];
    all[0] = SampleApplication.class;
    System.arraycopy(sources, 0, all, 1, sources.length);
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(all)
            .web(WebApplicationType.SERVLET)
            .logStartupInfo(false)
            .run(arguments.toArray(String[]::new));
    return new SampleApp(context);
  }

  /** The root of the application, e.g. {@code http://127.0.0.1:41234/}. */
  URI base() {
    return base;
  }

  /** A bean of the running application. */
  <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Whether the application has a bean of this type. */
  boolean has(Class<?> type) {
    return context.getBeanNamesForType(type).length > 0;
  }

  /** The live Sessionlimits sessions of {@code user}, as the starter's store tells them. */
  int storeSessionsOf(String user) {
    return bean(SessionManager.class).liveSessionsOfUser(user).size();
  }

  @Override
  public void close() {
    context.close();
  }
}
