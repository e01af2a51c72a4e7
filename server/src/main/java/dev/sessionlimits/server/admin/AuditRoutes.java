package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.AuditQuery;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.http.ListParams;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.AuditTypes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The audit trail for administrators: {@code GET /api/v1/audit} (pages, newest first, filtered by
 * user, type and time) and {@code GET /api/v1/audit/export} (every matching event as CSV or JSON
 * lines, up to {@value #EXPORT_CAP}).
 */
final class AuditRoutes {

  /** The most events one export holds. */
  static final int EXPORT_CAP = 100_000;

  private static final String AUDIT = "/api/v1/audit";
  private static final Set<String> FILTERS = Set.of("user", "type", "since", "until");
  private static final Set<String> PAGE_PARAMS = union(FILTERS, "limit", "before", "cursor");
  private static final Set<String> EXPORT_PARAMS = union(FILTERS, "format");
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final AuditLog audit;
  private final Authenticator auth;
  private final InstantSource clock;

  AuditRoutes(AuditLog audit, Authenticator auth, InstantSource clock) {
    this.audit = audit;
    this.auth = auth;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get(AUDIT, this::auditTrail);
    routes.get(AUDIT + "/export", this::export);
  }

  private void auditTrail(Context ctx) {
    auth.requireAdmin(ctx);
    ListParams params = ListParams.of(ctx, AUDIT, PAGE_PARAMS);
    int limit = params.limit();
    AuditQuery filters = filters(params);
    long before = params.numberOnce("before", 0, 0, Long.MAX_VALUE);
    Optional<Long> cursor = params.cursor("a", 2).map(parts -> cursorId(parts.get(1)));
    if (cursor.isPresent() && before != 0) {
      throw ListParams.invalid("cursor", "cursor and before cannot be given together.");
    }
    List<AuditEvent> events =
        new ArrayList<>(audit.search(filters.page(limit + 1, cursor.orElse(before))));
    boolean more = events.size() > limit;
    if (more) {
      events.remove(limit);
    }
    List<Object> list = new ArrayList<>();
    for (AuditEvent event : events) {
      list.add(Views.audit(event));
    }
    Long nextBefore =
        (events.size() == limit && !events.isEmpty()) ? events.get(events.size() - 1).id() : null;
    String next =
        params.answerNext(
            more ? Optional.of(List.of("a", Long.toString(nextBefore))) : Optional.empty());
    ctx.json(map("events", list, "next_before", nextBefore, "next", next));
  }

  private static long cursorId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ListParams.badCursor();
  }

  private void export(Context ctx) {
    auth.requireAdmin(ctx);
    ListParams params = ListParams.of(ctx, AUDIT + "/export", EXPORT_PARAMS);
    String format = params.text("format").orElse("csv");
    if (!format.equals("csv") && !format.equals("jsonl")) {
      throw ListParams.invalid(
          "format", "format must be csv or jsonl, got \"" + Text.shorten(format, 30) + "\".");
    }
    AuditQuery filters = filters(params);
    AuditExport.write(ctx, audit, filters, format, EXPORT_CAP, FILE_TIME.format(clock.instant()));
  }

  /** The filters {@code user}, {@code type}, {@code since} and {@code until}, unlimited. */
  private static AuditQuery filters(ListParams params) {
    Optional<String> user = params.text("user");
    Set<String> types = new LinkedHashSet<>();
    Optional<String> typeText = params.text("type");
    if (typeText.isPresent()) {
      for (String type : typeText.get().split(",", -1)) {
        String t = type.trim();
        if (!AuditTypes.ALL.contains(t)) {
          throw ListParams.invalid(
              "type",
              "type must be one or more (comma-separated) of "
                  + String.join(", ", AuditTypes.ALL)
                  + "; got \""
                  + Text.shorten(Text.withoutControls(t), 40)
                  + "\".");
        }
        types.add(t);
      }
    }
    Optional<Instant> since = params.text("since").map(t -> instant("since", t));
    Optional<Instant> until = params.text("until").map(t -> instant("until", t));
    return new AuditQuery(1, 0, user, types, since, until);
  }

  private static Instant instant(String name, String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ListParams.invalid(
          name,
          name
              + " must be an ISO 8601 instant with its offset, such as 2026-01-31T09:00:00Z, got \""
              + Text.shorten(Text.withoutControls(text), 40)
              + "\".");
    }
  }

  private static Set<String> union(Set<String> base, String... more) {
    Set<String> all = new LinkedHashSet<>(base);
    all.addAll(Arrays.asList(more));
    return Set.copyOf(all);
  }
}
