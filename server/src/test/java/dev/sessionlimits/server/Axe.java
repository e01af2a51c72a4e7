package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.util.List;
import java.util.stream.Collectors;

/**
 * axe-core (Deque's {@link AxeBuilder} and the {@code axe.min.js} it carries; nothing is fetched)
 * run on what a {@link Chromium} shows. Browser tests call {@link #assertNoViolations} on every
 * page and state they reach: the UI is held at 0 violations of WCAG 2.1 A and AA and axe's best
 * practices.
 */
final class Axe {

  private static final List<String> TAGS =
      List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice");

  private Axe() {}

  /** Fails, naming each rule, its impact and the elements, when the page breaks a rule. */
  static void assertNoViolations(Chromium browser, String state) {
    Results results = new AxeBuilder().withTags(TAGS).analyze(browser.driver);
    assertThat(results.isErrored()).as("axe-core ran on %s", state).isFalse();
    List<Rule> violations = results.getViolations();
    assertThat(violations)
        .as(
            "axe-core violations on %s:%n%s",
            state, violations.stream().map(Axe::describe).collect(Collectors.joining("\n")))
        .isEmpty();
  }

  private static String describe(Rule rule) {
    String where =
        rule.getNodes().stream()
            .map(node -> String.valueOf(node.getTarget()))
            .limit(5)
            .collect(Collectors.joining(", "));
    return "  " + rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " at " + where;
  }
}
