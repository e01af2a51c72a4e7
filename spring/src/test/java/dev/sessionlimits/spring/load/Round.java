package dev.sessionlimits.spring.load;

import java.time.Duration;
import java.util.List;

/**
 * What one round of simultaneous logins left, seen from outside: how the logins were answered, how
 * many browsers' cookies still reach {@code GET /api/me}, and every 5xx on the way.
 *
 * @param browsers how many browsers signed in at once
 * @param admitted logins answered as successful (form: a redirect away from the login page; Basic:
 *     200 with the user)
 * @param refused logins answered as refused (form: {@code /login?error}; Basic: 401/403)
 * @param serverErrors answers with a 5xx status, on any request of the round, plus exchanges that
 *     failed without an answer
 * @param live browsers whose cookie alone still gets 200 with the user's JSON on {@code /api/me}
 * @param told browsers whose {@code /api/me} got 401 with {@code X-Session-End-Reason}
 * @param text200 browsers whose {@code /api/me} got 200 without the user's JSON (stock's "This
 *     session has been expired" sentence)
 * @param liveBrowsers the indices of the live browsers
 * @param oddities the first few answers that were none of the above, for the failure message
 * @param took from the release of the logins to the last live check
 */
record Round(
    int browsers,
    int admitted,
    int refused,
    int serverErrors,
    int live,
    int told,
    int text200,
    List<Integer> liveBrowsers,
    List<String> oddities,
    Duration took) {

  Round {
    liveBrowsers = List.copyOf(liveBrowsers);
    oddities = List.copyOf(oddities);
  }

  /** One line for a failure message or the report. */
  String summary() {
    return String.format(
        "%d browsers: %d admitted, %d refused, %d live, %d told why, %d x 200 text, %d x 5xx,"
            + " %d ms%s",
        browsers,
        admitted,
        refused,
        live,
        told,
        text200,
        serverErrors,
        took.toMillis(),
        oddities.isEmpty() ? "" : "; odd answers: " + oddities);
  }
}
