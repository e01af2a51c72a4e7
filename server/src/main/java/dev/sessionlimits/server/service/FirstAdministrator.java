package dev.sessionlimits.server.service;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrator of a server's first start: with no users stored yet, {@code admin} is created
 * with {@code SESSIONLIMITS_ADMIN_PASSWORD}, or with a generated password printed once.
 */
public final class FirstAdministrator {

  private static final Logger LOG = LoggerFactory.getLogger(FirstAdministrator.class);

  private FirstAdministrator() {}

  /**
   * Creates {@code admin} if {@code users} holds nobody, and audits it.
   *
   * @param configuredPassword the password to give her, or null to generate one and print it on
   *     {@code out}, only this once
   */
  public static void createIfNoUsers(
      UserStore users,
      Passwords passwords,
      Auditor auditor,
      String configuredPassword,
      PrintStream out,
      InstantSource clock) {
    if (!users.list().isEmpty()) {
      if (configuredPassword != null) {
        LOG.info(
            "SESSIONLIMITS_ADMIN_PASSWORD is ignored: it is used only at first start, when there"
                + " are no users yet");
      }
      return;
    }
    boolean generated = configuredPassword == null;
    String password = generated ? Passwords.generate(new SecureRandom()) : configuredPassword;
    Instant now = clock.instant();
    if (!users.create(new User("admin", passwords.hash(password), true, false, null, now, now))) {
      return;
    }
    auditor.record(
        "user_created",
        null,
        null,
        "admin",
        null,
        map("admin", true, "first_start", true, "generated_password", generated));
    if (generated) {
      out.println(
          "Sessionlimits created the administrator \"admin\" with this generated password,"
              + " shown only this once: "
              + password);
      out.flush();
    } else {
      LOG.info(
          "Created the administrator \"admin\" with the password from"
              + " SESSIONLIMITS_ADMIN_PASSWORD");
    }
  }
}
