package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** What {@link OidcClient#finish} answers: who signed in, why not, or that nobody can tell now. */
public sealed interface OidcAnswer permits OidcAnswer.SignedIn, OidcAnswer.Refused, Unavailable {

  /**
   * The provider vouched for this user in a valid ID token.
   *
   * @param issuer the ID token's issuer
   * @param subject the provider's stable identifier of the user
   * @param username the value of the configured username claim
   * @param groups the values of the configured groups claim (empty when it is absent)
   * @param admin whether {@code groups} holds the configured admin group
   * @param sid the provider's session id ({@code sid}), which back-channel logout names
   * @param idTokenHint the ID token as received, for RP-initiated logout
   */
  record SignedIn(
      String issuer,
      String subject,
      String username,
      List<String> groups,
      boolean admin,
      Optional<String> sid,
      String idTokenHint)
      implements OidcAnswer {
    public SignedIn {
      requireNonNull(issuer, "issuer");
      requireNonNull(subject, "subject");
      requireNonNull(username, "username");
      groups = List.copyOf(groups);
      requireNonNull(sid, "sid");
      requireNonNull(idTokenHint, "idTokenHint");
      if (username.isBlank()) {
        throw new IllegalArgumentException("username must not be blank");
      }
    }

    /** Without the ID token, which is a bearer credential at some providers. */
    @Override
    public String toString() {
      return "SignedIn[issuer="
          + issuer
          + ", subject="
          + subject
          + ", username="
          + username
          + ", groups="
          + groups
          + ", admin="
          + admin
          + ", sid="
          + sid
          + "]";
    }
  }

  /**
   * The callback does not prove who the user is; the server refuses the sign-in.
   *
   * @param code one of the constants below, for the server's error answer
   * @param detail what exactly was wrong, for the log and the user
   */
  record Refused(String code, String detail) implements OidcAnswer {

    /** The callback's {@code state} is not the one this browser's sign-in sent. */
    public static final String STATE_MISMATCH = "oidc_state_mismatch";

    /** The provider answered with an error ({@code access_denied}...), named in the detail. */
    public static final String PROVIDER_ERROR = "oidc_provider_error";

    /** The sign-in started more than {@link PendingLogin#LIFETIME} ago. */
    public static final String EXPIRED = "oidc_login_expired";

    /** The callback carries neither a code nor an error. */
    public static final String MISSING_CODE = "oidc_missing_code";

    /** The token endpoint refused the code ({@code invalid_grant}...), named in the detail. */
    public static final String TOKEN_REFUSED = "oidc_token_refused";

    /** The ID token is missing, badly signed, expired, or for another issuer or client. */
    public static final String INVALID_TOKEN = "oidc_invalid_token";

    /** The ID token's {@code nonce} is not the one this browser's sign-in sent. */
    public static final String NONCE_MISMATCH = "oidc_nonce_mismatch";

    /** The ID token has no usable value for the configured username claim. */
    public static final String MISSING_USERNAME = "oidc_missing_username";

    /** Every code above. */
    public static final List<String> CODES =
        List.of(
            STATE_MISMATCH,
            PROVIDER_ERROR,
            EXPIRED,
            MISSING_CODE,
            TOKEN_REFUSED,
            INVALID_TOKEN,
            NONCE_MISMATCH,
            MISSING_USERNAME);

    public Refused {
      requireNonNull(detail, "detail");
      if (!CODES.contains(code)) {
        throw new IllegalArgumentException("code must be one of " + CODES + ", got " + code);
      }
    }
  }
}
