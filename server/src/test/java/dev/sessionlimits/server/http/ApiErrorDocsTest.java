package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.Chromium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Errors table of docs/api.md and the {@link ApiError} catalog say the same: a row for every
 * code, with the code's status, and no row for a code the server does not have.
 */
class ApiErrorDocsTest {

  /** A row of the table: {@code | 404 | `user_not_found` | when | fields |}. */
  private static final Pattern ROW =
      Pattern.compile("^\\| (\\d{3}) \\| `([a-z_]+)` \\|", Pattern.MULTILINE);

  @Test
  void everyErrorCodeHasARowWithItsStatusInTheApiReference() throws IOException {
    Map<String, Integer> rows = errorRows();
    List<String> wrong = new ArrayList<>();
    for (ApiError error : ApiError.values()) {
      Integer status = rows.get(error.code());
      if (status == null || status != error.status()) {
        wrong.add(error.status() + " " + error.code() + " (docs/api.md: " + status + ")");
      }
    }
    assertThat(wrong)
        .as("codes of ApiError without a row of the same status in docs/api.md's Errors table")
        .isEmpty();
  }

  @Test
  void everyRowOfTheErrorsTableNamesAnErrorCodeOfTheServer() throws IOException {
    Set<String> codes =
        Arrays.stream(ApiError.values()).map(ApiError::code).collect(Collectors.toSet());
    Set<String> unknown = new TreeSet<>(errorRows().keySet());
    unknown.removeAll(codes);
    assertThat(unknown).as("rows of docs/api.md's Errors table that name no ApiError").isEmpty();
  }

  /** Code to status, for each row of the table under {@code ## Errors}; each code once. */
  private static Map<String, Integer> errorRows() throws IOException {
    Path file = Chromium.repositoryRoot().resolve("docs/api.md");
    String doc = Files.readString(file, StandardCharsets.UTF_8);
    int start = doc.indexOf("\n## Errors\n");
    assertThat(start).as("a '## Errors' section in docs/api.md").isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, (end < 0) ? doc.length() : end);
    Map<String, Integer> rows = new LinkedHashMap<>();
    Matcher row = ROW.matcher(section);
    while (row.find()) {
      Integer before = rows.put(row.group(2), Integer.valueOf(row.group(1)));
      assertThat(before).as("a second row for " + row.group(2)).isNull();
    }
    assertThat(rows).as("the rows of docs/api.md's Errors table").isNotEmpty();
    return rows;
  }
}
