package dev.sessionlimits.server.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sessionlimits.core.Immediate;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The user store with a short cache in front of {@link #find}, which every authenticated request
 * calls (on {@code /auth/verify} it would otherwise be a database round trip per request). A change
 * made through this object is seen at once on this node; one made on another node within {@link
 * #STALENESS}. That is safe because what must act at once already does through the sessions:
 * disabling a user or changing a password ends the user's sessions. Password checks do not use it.
 *
 * <p>A user asked for once the cached copy is {@link #REFRESH_AGE} old is read again in the
 * background (Caffeine's refresh, on its default executor) while the copy is still answered; so a
 * user who keeps making requests is never missing from the cache, and {@link #findWithoutWaiting}
 * (the verify path on the selector thread) never has to hand the request over just because the copy
 * aged out. The copy still expires at {@link #STALENESS}, refreshed or not.
 */
public final class CachingUserStore implements UserStore {

  /** How old a cached user may be. */
  public static final Duration STALENESS = Duration.ofSeconds(1);

  /** How old a cached user may get before a lookup has it read again in the background. */
  static final Duration REFRESH_AGE = Duration.ofMillis(800);

  private static final int MAX_USERS = 100_000;

  private final UserStore delegate;
  private final Cache<String, Optional<User>> cache;
  private final boolean readsCache;
  private final CachingUserStore uncached;

  /** Caches the users of {@code delegate} for at most {@link #STALENESS}. */
  public CachingUserStore(UserStore delegate, InstantSource clock) {
    this.delegate = delegate;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(MAX_USERS)
            .expireAfterWrite(STALENESS)
            .refreshAfterWrite(REFRESH_AGE)
            .ticker(() -> clock.instant().toEpochMilli() * 1_000_000L)
            .recordStats()
            .build(delegate::find);
    this.readsCache = true;
    this.uncached = new CachingUserStore(this);
  }

  /** The view of {@code cached} that reads past its cache and writes like it. */
  private CachingUserStore(CachingUserStore cached) {
    this.delegate = cached.delegate;
    this.cache = cached.cache;
    this.readsCache = false;
    this.uncached = this;
  }

  /** The cache itself, for its hit and miss metrics. */
  public Cache<String, Optional<User>> caffeine() {
    return cache;
  }

  @Override
  public Optional<User> find(String username) {
    return readsCache ? cache.get(username, delegate::find) : delegate.find(username);
  }

  /**
   * {@link #find} if the answer is cached; {@code MustWait} if it must be read. A copy older than
   * {@link #REFRESH_AGE} is answered and read again in the background.
   */
  public Immediate<Optional<User>> findWithoutWaiting(String username) {
    Optional<User> cached = readsCache ? cache.getIfPresent(username) : null;
    return (cached == null) ? Immediate.mustWait() : Immediate.known(cached);
  }

  /**
   * This store without the cache on reads, for administration: a change is read, modified and
   * written back, and must not start from another node's stale copy. Its writes still clear this
   * node's cache, which it shares.
   */
  public UserStore uncached() {
    return uncached;
  }

  @Override
  public List<User> list() {
    return delegate.list();
  }

  @Override
  public boolean create(User user) {
    try {
      return delegate.create(user);
    } finally {
      cache.invalidate(user.username());
    }
  }

  @Override
  public boolean update(User user) {
    try {
      return delegate.update(user);
    } finally {
      cache.invalidate(user.username());
    }
  }

  @Override
  public boolean delete(String username) {
    try {
      return delegate.delete(username);
    } finally {
      cache.invalidate(username);
    }
  }

  @Override
  public Guarded updateKeepingAnAdministrator(User user) {
    try {
      return delegate.updateKeepingAnAdministrator(user);
    } finally {
      cache.invalidate(user.username());
    }
  }

  @Override
  public Guarded deleteKeepingAnAdministrator(String username) {
    try {
      return delegate.deleteKeepingAnAdministrator(username);
    } finally {
      cache.invalidate(username);
    }
  }
}
