package dev.sessionlimits.server.service;

import java.util.List;

/** Every {@code type} of audit event this server records (docs/api.md, "Audit event"). */
public final class AuditTypes {

  /** The types, in the order docs/api.md lists them. */
  public static final List<String> ALL =
      List.of(
          "login",
          "login_failed",
          "login_refused",
          "logout",
          "session_evicted",
          "session_superseded",
          "session_ended_by_user",
          "sessions_ended_by_user",
          "session_revoked",
          "sessions_revoked",
          "all_sessions_revoked",
          "session_ended_by_provider",
          "logout_token_replayed",
          "sessions_enforced",
          "enforcement_previewed",
          "settings_changed",
          "user_created",
          "user_updated",
          "user_deleted",
          "user_groups_changed",
          "group_created",
          "group_updated",
          "group_deleted",
          "reauthenticated",
          "reauthentication_failed",
          "password_change_failed",
          "mfa_asked",
          "mfa_failed",
          "mfa_enabled",
          "mfa_disabled",
          "mfa_recovery_codes_replaced",
          "admin_password_reset",
          "login_resolved",
          "api_key_created",
          "api_key_revoked");

  private AuditTypes() {}
}
