package dev.sessionlimits.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small closed-loop HTTP/1.1 load generator, the fallback when wrk is not installed: one platform
 * thread per keep-alive connection, each sending its next request when the previous answer is read,
 * until the time is up. Latencies are kept whole (one long per request) and sorted for the
 * percentiles. It prints one line {@code JSON {...}} with the same fields as bench's wrk scripts.
 *
 * <p>Usage: {@code LoadGen <host> <port> verify <ready file> <connections> <seconds>} (GET
 * /auth/verify with the file's {@code cookie=} values in turn) or {@code LoadGen <host> <port>
 * login <user prefix> <connections> <seconds>} (POST /api/v1/login as {@code <prefix>-0..63} in
 * turn). Only loopback hosts are accepted.
 */
public final class LoadGen {

  private static final String UA =
      "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

  private LoadGen() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      throw new IllegalArgumentException("LoadGen sends load only to loopback, not " + host);
    }
    int port = Integer.parseInt(args[1]);
    String kind = args[2];
    int connections = Integer.parseInt(args[4]);
    int seconds = Math.min(Integer.parseInt(args[5]), 600);
    List<byte[]> requests = new ArrayList<>();
    if (kind.equals("verify")) {
      for (String line : Files.readAllLines(Path.of(args[3]))) {
        if (line.startsWith("cookie=")) {
          requests.add(
              ("GET /auth/verify HTTP/1.1\r\nHost: "
                      + host
                      + ":"
                      + port
                      + "\r\nCookie: sl_session="
                      + line.substring(7)
                      + "\r\nUser-Agent: "
                      + UA
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
        }
      }
    } else {
      for (int i = 0; i < BenchServer.USERS; i++) {
        String body =
            "{\"username\":\""
                + args[3]
                + "-"
                + i
                + "\",\"password\":\""
                + BenchServer.PASSWORD
                + "\"}";
        requests.add(
            ("POST /api/v1/login HTTP/1.1\r\nHost: "
                    + host
                    + ":"
                    + port
                    + "\r\nContent-Type: application/json\r\nUser-Agent: "
                    + UA
                    + "\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.US_ASCII));
      }
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong statusErrors = new AtomicLong();
    AtomicLong ioErrors = new AtomicLong();
    long[][] latencies = new long[connections][];
    int[] counts = new int[connections];
    Thread[] threads = new Thread[connections];
    long start = System.nanoTime();
    for (int t = 0; t < connections; t++) {
      final int id = t;
      threads[t] =
          new Thread(
              () -> {
                long[] lat = new long[1 << 16];
                int n = 0;
                int next = id;
                Socket socket = null;
                while (System.nanoTime() < end) {
                  try {
                    if (socket == null) {
                      socket = new Socket();
                      socket.setTcpNoDelay(true);
                      socket.connect(new InetSocketAddress(host, port), 5000);
                      socket.setSoTimeout(10_000);
                    }
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (System.nanoTime() < end) {
                      long t0 = System.nanoTime();
                      out.write(requests.get(next++ % requests.size()));
                      out.flush();
                      int status = readResponse(in);
                      long t1 = System.nanoTime();
                      if (Math.abs(status) >= 400) {
                        statusErrors.incrementAndGet();
                      }
                      if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                      }
                      lat[n++] = (t1 - t0) / 1000;
                      if (status < 0) {
                        socket.close();
                        socket = null;
                        break;
                      }
                    }
                  } catch (IOException e) {
                    ioErrors.incrementAndGet();
                    try {
                      if (socket != null) {
                        socket.close();
                      }
                    } catch (IOException ignored) {
                      // closing a broken socket
                    }
                    socket = null;
                  }
                }
                try {
                  if (socket != null) {
                    socket.close();
                  }
                } catch (IOException ignored) {
                  // done anyway
                }
                latencies[id] = lat;
                counts[id] = n;
              },
              "loadgen-" + t);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long duration = (System.nanoTime() - start) / 1000;
    int total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[total];
    int at = 0;
    double sum = 0;
    for (int t = 0; t < connections; t++) {
      System.arraycopy(latencies[t], 0, all, at, counts[t]);
      at += counts[t];
    }
    Arrays.sort(all);
    for (long l : all) {
      sum += l;
    }
    System.out.printf(
        Locale.ROOT,
        "JSON {\"requests\":%d,\"duration_us\":%d,\"errors_connect\":0,"
            + "\"errors_read\":%d,\"errors_write\":0,\"errors_status\":%d,\"errors_timeout\":0,"
            + "\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f}%n",
        total,
        duration,
        ioErrors.get(),
        statusErrors.get(),
        pct(all, 50),
        pct(all, 90),
        pct(all, 99),
        total == 0 ? 0 : all[total - 1],
        total == 0 ? 0 : sum / total);
  }

  private static long pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Reads one response; returns its status, negated if the server will close the connection. */
  private static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    long length = (status == 204 || status == 304) ? 0 : -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    if (chunked) {
      while (true) {
        long size = Long.parseLong(line(in).split(";")[0].trim(), 16);
        if (size == 0) {
          while (!line(in).isEmpty()) {
            // trailers
          }
          break;
        }
        skip(in, size);
        line(in);
      }
    } else if (length > 0) {
      skip(in, length);
    }
    return close ? -status : status;
  }

  private static void skip(InputStream in, long n) throws IOException {
    while (n > 0) {
      long s = in.skip(n);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed in a body");
        }
        s = 1;
      }
      n -= s;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return (len > 0 && sb.charAt(len - 1) == '\r') ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("connection closed");
  }
}
