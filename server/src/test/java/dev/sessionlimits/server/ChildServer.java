package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@link Main} in a child JVM with the test class path, configured only through its
 * environment, as an operator would run it; {@link #kill} is SIGKILL.
 */
final class ChildServer implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

  final Process process;
  final URI base;
  private final StringBuffer output;

  private ChildServer(Process process, URI base, StringBuffer output) {
    this.process = process;
    this.base = base;
    this.output = output;
  }

  /** Starts {@link Main} with {@code env} (plus a free port) and waits until it listens. */
  static ChildServer start(Map<String, String> env) throws InterruptedException, IOException {
    return start(env, List.of());
  }

  /**
   * Like {@link #start(Map)}, with {@code jvmOptions} (such as {@code -Xmx256m}) for the child JVM.
   */
  static ChildServer start(Map<String, String> env, List<String> jvmOptions)
      throws InterruptedException, IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(k -> k.startsWith("SESSIONLIMITS_"));
    environment.put("SESSIONLIMITS_PORT", "0");
    environment.putAll(env);
    Process process = builder.start();
    StringBuffer output = new StringBuffer();
    BlockingQueue<String> port = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  output.append(line).append('\n');
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    port.add(m.group(1));
                  }
                }
              } catch (IOException e) {
                // The child was killed: its output ends here.
              }
            },
            "child-server-output");
    reader.setDaemon(true);
    reader.start();
    String p = port.poll(60, TimeUnit.SECONDS);
    if (p == null) {
      process.destroyForcibly();
    }
    assertThat(p).as("the server did not start:\n%s", output).isNotNull();
    return new ChildServer(process, URI.create("http://127.0.0.1:" + p), output);
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child server exits").isTrue();
  }

  /** Everything the child printed so far. */
  String output() {
    return output.toString();
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
