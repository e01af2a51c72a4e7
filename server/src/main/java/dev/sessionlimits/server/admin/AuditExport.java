package dev.sessionlimits.server.admin;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.AuditQuery;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Views;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes audit events as a download: CSV (RFC 4180, a header row, CRLF line ends) or JSON lines
 * (one {@link Views#audit} object a line), newest first, read from the log a page at a time and
 * streamed, so a large export never sits in memory.
 *
 * <p>CSV cells that a spreadsheet would run as a formula (starting with {@code = + - @}, a tab or a
 * carriage return) are prefixed with a single quote, as OWASP's "CSV injection" advice says: an
 * audit trail holds text written by anyone who tried to sign in.
 */
final class AuditExport {

  /** Events read from the log per query. */
  private static final int PAGE = 1000;

  private static final List<String> COLUMNS =
      List.of("id", "at", "type", "actor", "client_ip", "subject", "session_id", "details");

  private AuditExport() {}

  /**
   * Answers {@code ctx} with at most {@code cap} events of {@code audit} that {@code filters}
   * select, as {@code format} ({@code csv} or {@code jsonl}); {@code stamp} names the file.
   */
  static void write(
      Context ctx, AuditLog audit, AuditQuery filters, String format, int cap, String stamp) {
    // The first page is read before anything is sent, so a store failure is still a clean 503.
    List<AuditEvent> page = audit.search(filters.page(Math.min(PAGE, cap), 0));
    boolean csv = format.equals("csv");
    ctx.contentType(csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"sessionlimits-audit-" + stamp + "." + format + "\"");
    try (Writer out =
        new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8))) {
      if (csv) {
        row(out, COLUMNS);
      }
      int written = 0;
      while (!page.isEmpty()) {
        for (AuditEvent event : page) {
          if (csv) {
            row(out, cells(event));
          } else {
            out.write(Json.write(Views.audit(event)));
            out.write('\n');
          }
        }
        written += page.size();
        if (page.size() < PAGE || written >= cap) {
          break;
        }
        long before = page.get(page.size() - 1).id();
        page = audit.search(filters.page(Math.min(PAGE, cap - written), before));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> cells(AuditEvent e) {
    return List.of(
        Long.toString(e.id()),
        Views.time(e.at()),
        e.type(),
        nullToEmpty(e.actor()),
        nullToEmpty(e.clientIp()),
        nullToEmpty(e.subject()),
        nullToEmpty(e.sessionId()),
        e.details());
  }

  private static String nullToEmpty(String s) {
    return (s == null) ? "" : s;
  }

  private static void row(Writer out, List<String> cells) throws IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(cell(cells.get(i)));
    }
    out.write("\r\n");
  }

  /** One CSV cell: guarded against formulas, quoted when it must be (RFC 4180). */
  static String cell(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0
        || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0
        || !v.equals(value)) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
