package dev.sessionlimits.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results page a {@link Report} writes: its Markdown, the targets table its sections add rows
 * to, and the number formats they share.
 */
final class ReportPage {

  private static final ObjectMapper JSON = new ObjectMapper();

  final StringBuilder md = new StringBuilder();
  final ArrayNode targets = JSON.createArrayNode();

  void targetTable() {
    line("## Targets");
    line("");
    line("| target | measured | met |");
    line("|---|---|---|");
    for (JsonNode t : targets) {
      line(
          "| "
              + t.path("target").asText()
              + " | "
              + t.path("measured").asText()
              + " | "
              + t.path("met").asText()
              + " |");
    }
    line("");
  }

  void target(String name, String measured, Boolean met) {
    targets
        .addObject()
        .put("target", name)
        .put("measured", measured)
        .put("met", met == null ? "not measured" : met ? "**met**" : "**not met**");
  }

  void line(String s) {
    md.append(s).append('\n');
  }

  static String num(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String rate(JsonNode rate) {
    return rate.isNumber() ? num(rate.asDouble()) : "?";
  }

  static String overheadText(double o) {
    if (Double.isNaN(o)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%+.1f%%", 100 * o);
  }

  static String overheadList(List<Double> values) {
    List<String> parts = new ArrayList<>();
    for (double v : values) {
      parts.add(overheadText(v));
    }
    return String.join(", ", parts);
  }

  static String pct(double ratio) {
    return Double.isNaN(ratio) ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
  }

  static String list(List<Double> ratios) {
    List<String> parts = new ArrayList<>();
    for (double r : ratios) {
      parts.add(pct(r));
    }
    return String.join(", ", parts);
  }
}
