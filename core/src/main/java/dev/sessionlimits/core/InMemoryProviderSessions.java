package dev.sessionlimits.core;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Provider sessions in this JVM's memory, by session id; the lookups scan them all. Logout tokens
 * received, by issuer and {@code jti}, until they may be forgotten.
 */
final class InMemoryProviderSessions implements ProviderSessions {

  private final ConcurrentHashMap<String, ProviderSession> sessions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Map.Entry<String, String>, Instant> logoutTokens =
      new ConcurrentHashMap<>();

  @Override
  public void remember(ProviderSession session) {
    sessions.put(requireNonNull(session, "session").sessionId(), session);
  }

  @Override
  public List<String> sessionsOf(String issuer, String sid) {
    requireNonNull(issuer, "issuer");
    requireNonNull(sid, "sid");
    return ids(s -> s.issuer().equals(issuer) && s.sid().filter(sid::equals).isPresent());
  }

  @Override
  public List<String> sessionsOfSubject(String issuer, String subject) {
    requireNonNull(issuer, "issuer");
    requireNonNull(subject, "subject");
    return ids(s -> s.issuer().equals(issuer) && s.subject().equals(subject));
  }

  @Override
  public Optional<String> idTokenHintOf(String sessionId) {
    return Optional.ofNullable(sessions.get(requireNonNull(sessionId, "sessionId")))
        .map(ProviderSession::idTokenHint);
  }

  @Override
  public void forget(String sessionId) {
    sessions.remove(requireNonNull(sessionId, "sessionId"));
  }

  @Override
  public boolean firstReceipt(String issuer, String jti, Instant keptUntil, Instant now) {
    requireNonNull(keptUntil, "keptUntil");
    requireNonNull(now, "now");
    logoutTokens.values().removeIf(until -> !until.isAfter(now));
    Map.Entry<String, String> token =
        Map.entry(requireNonNull(issuer, "issuer"), requireNonNull(jti, "jti"));
    return logoutTokens.putIfAbsent(token, keptUntil) == null;
  }

  private List<String> ids(Predicate<ProviderSession> wanted) {
    return sessions.values().stream()
        .filter(wanted)
        .map(ProviderSession::sessionId)
        .sorted()
        .toList();
  }
}
