package dev.sessionlimits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The arithmetic of docs/scale-out.md: a deployment for {@link #USERS} users and {@link
 * #PEAK_LOGINS} logins a second on sharded PostgreSQL, computed from the figures measured on this
 * machine, and a small discrete simulation of the peak. The document's table is this class's output
 * ({@link #table}); {@code ScaleModelTest} fails when they differ, and {@code java -cp
 * bench/target/benchmarks.jar dev.sessionlimits.bench.ScaleModel --write docs/scale-out.md}
 * rewrites it after an input changes.
 *
 * <p>Design note: the model. A login locks and writes two rows' worth of state: its user's (the
 * quota row, her sessions) on the shard {@code hash(user) mod N}, and its address's on the shard
 * {@code hash(address) mod N} (the same shard one time in N). A shard's capacity is measured in
 * evicting opens a second ({@link #SHARD_OPENS_PER_S}); the address's half of a login costs {@link
 * #ADDRESS_SIDE_UNITS} of one, and a login over two shards adds {@link #TWO_SHARD_EXTRA_UNITS} for
 * the second commit. N is the smallest count that keeps every shard under {@link
 * #SHARD_TARGET_UTILISATION} at the peak. Sessions live {@link #SESSION_HOURS} hours on average
 * (Little's law gives the live set) and stay as tombstones for 7 days.
 */
public final class ScaleModel {

  // ---- inputs: the load (assumed)

  static final long USERS = 100_000_000;
  static final double PEAK_LOGINS = 10_000;

  /** Peak over mean login rate (a daily curve). Assumed. */
  static final double PEAK_TO_MEAN = 3;

  /** Mean session life, login to end (logout, idle or absolute timeout). Assumed. */
  static final double SESSION_HOURS = 8;

  /** {@code /auth/verify} calls a second at the peak, over every node. Assumed. */
  static final double PEAK_VERIFIES = 200_000;

  static final double TOMBSTONE_DAYS = 7;

  // ---- inputs: measured here, 2026-12-06 at ccf528e on the quiet 2-core machine
  // (docs/benchmarks.md,
  // "Issues 19 and 20 on a quiet machine"; bench/results/2026-12-06T05*)

  /**
   * MEASURED: evicting opens/s on PostgreSQL, 8 threads, 2 shared cores (bench/open-ceiling.sh).
   */
  static final double SHARD_OPENS_PER_S = 1_959;

  /** MEASURED: server CPU of an Argon2id password check, ms. */
  static final double HASH_CPU_MS = 69.6;

  /** MEASURED: server CPU of enforcement per login (limit 1 minus unlimited, H2's), ms. */
  static final double ENFORCEMENT_CPU_MS = 0.74;

  /** MEASURED: server CPU per {@code /auth/verify} from the caches (81,000/s on one core), µs. */
  static final double VERIFY_CPU_US = 12;

  /** MEASURED: heap per cached session, bytes (SessionCacheSize.ENTRY_BYTES, an upper figure). */
  static final double CACHE_ENTRY_BYTES = 350;

  /** MEASURED: sl_sessions with its indexes per row at 10M rows (352 + 560), bytes. */
  static final double ROW_BYTES = 912;

  /** MEASURED: expiries purge records a second on one shard at 10M rows (bench/scale.sh). */
  static final double PURGE_ROWS_PER_S = 8_590;

  // ---- inputs: estimates, to be measured

  /** ESTIMATE: the address's half of a login (lock, read, index row) in evicting opens. */
  static final double ADDRESS_SIDE_UNITS = 0.5;

  /** ESTIMATE: the second shard's prepare and commit of a two-shard login, in evicting opens. */
  static final double TWO_SHARD_EXTRA_UNITS = 0.5;

  /** ESTIMATE: WAL written per login (row, its index entries, the evicted row's end), bytes. */
  static final double WAL_BYTES_PER_LOGIN = 2_000;

  /** ESTIMATE: shard CPU of one liveness poll (read the end_xid snapshot chain), µs. */
  static final double POLL_CPU_US = 50;

  // ---- choices

  static final double SHARD_TARGET_UTILISATION = 0.5;
  static final int NODE_CORES = 16;
  static final double NODE_TARGET_UTILISATION = 0.6;

  /** Pooled connections per node per shard, plus one for the liveness poll. */
  static final int POOL_PER_SHARD = 2;

  static final double POLLS_PER_S = 10;

  /** Seconds of the peak the simulation runs. */
  static final double SIMULATED_SECONDS = 3;

  /** Cores of a shard in the simulation: servers of its queue. */
  static final int SHARD_SERVERS = 2;

  private static final String BEGIN = "<!-- scale-model:begin -->";
  private static final String END = "<!-- scale-model:end -->";

  private ScaleModel() {}

  /** The plan's figures. */
  record Plan(
      int shards,
      double twoShardShare,
      double unitsPerLogin,
      double liveSessions,
      double rows,
      int nodes,
      double simMaxUtilisation,
      double simP99Ms) {}

  /** The plan of the inputs above, its simulation included (fixed seed: the same every run). */
  static Plan plan() {
    int shards = 1;
    while (PEAK_LOGINS * units(shards) / shards > SHARD_OPENS_PER_S * SHARD_TARGET_UTILISATION) {
      shards++;
    }
    double meanLogins = PEAK_LOGINS / PEAK_TO_MEAN;
    double live = meanLogins * SESSION_HOURS * 3600;
    double rows = live + meanLogins * TOMBSTONE_DAYS * 86_400;
    double cores =
        (PEAK_LOGINS * (HASH_CPU_MS + ENFORCEMENT_CPU_MS) / 1000)
            + PEAK_VERIFIES * VERIFY_CPU_US / 1e6;
    int nodes = (int) Math.ceil(cores / (NODE_CORES * NODE_TARGET_UTILISATION));
    double[] sim = simulate(shards);
    return new Plan(shards, twoShard(shards), units(shards), live, rows, nodes, sim[0], sim[1]);
  }

  private static double twoShard(int shards) {
    return 1 - 1.0 / shards;
  }

  /** Shard work per login, in evicting opens. */
  private static double units(int shards) {
    return 1 + ADDRESS_SIDE_UNITS + twoShard(shards) * TWO_SHARD_EXTRA_UNITS;
  }

  /**
   * Logins arriving as a Poisson process at the peak rate for {@link #SIMULATED_SECONDS}, each to a
   * uniformly random user shard and address shard; each shard a FIFO queue of {@link
   * #SHARD_SERVERS} servers at its measured capacity. The address's part runs first, then the
   * user's (the lock order), each with its share of the two-shard commit. Answers the busiest
   * shard's utilisation and the 99th percentile of a login's time in the databases, in ms. Logins
   * are served in arrival order, so a user part that reaches its shard before an earlier login's is
   * still queued behind it: slightly pessimistic.
   */
  static double[] simulate(int shards) {
    SplittableRandom random = new SplittableRandom(19);
    double unit = SHARD_SERVERS / SHARD_OPENS_PER_S;
    double[][] free = new double[shards][SHARD_SERVERS];
    double[] busy = new double[shards];
    int count = (int) (PEAK_LOGINS * SIMULATED_SECONDS);
    double[] latency = new double[count];
    double t = 0;
    for (int i = 0; i < count; i++) {
      t += -Math.log(1 - random.nextDouble()) / PEAK_LOGINS;
      int userShard = random.nextInt(shards);
      int addressShard = random.nextInt(shards);
      double split = (userShard == addressShard) ? 0 : TWO_SHARD_EXTRA_UNITS / 2;
      double done = serve(free[addressShard], t, (ADDRESS_SIDE_UNITS + split) * unit);
      busy[addressShard] += (ADDRESS_SIDE_UNITS + split) * unit;
      done = serve(free[userShard], done, (1 + split) * unit);
      busy[userShard] += (1 + split) * unit;
      latency[i] = done - t;
    }
    double maxBusy = Arrays.stream(busy).max().orElse(0) / (t * SHARD_SERVERS);
    Arrays.sort(latency);
    return new double[] {maxBusy, latency[(int) (count * 0.99)] * 1000};
  }

  /** When a job arriving at {@code at} needing {@code work} seconds ends on the earliest server. */
  private static double serve(double[] servers, double at, double work) {
    int s = 0;
    for (int i = 1; i < servers.length; i++) {
      if (servers[i] < servers[s]) {
        s = i;
      }
    }
    servers[s] = Math.max(servers[s], at) + work;
    return servers[s];
  }

  /** The document's table: one row per figure, with how it follows from the inputs. */
  static String table() {
    Plan p = plan();
    double meanLogins = PEAK_LOGINS / PEAK_TO_MEAN;
    double perShardLogins = PEAK_LOGINS * p.unitsPerLogin() / p.shards();
    double perNodeCached = p.liveSessions() / p.nodes();
    double polls = p.nodes() * POLLS_PER_S;
    List<String[]> rows = new ArrayList<>();
    rows.add(row("users", n(USERS), "input"));
    rows.add(
        row(
            "logins/s at the peak (mean)",
            n(PEAK_LOGINS) + " (" + n(meanLogins) + ")",
            "input; peak / " + n(PEAK_TO_MEAN)));
    rows.add(
        row(
            "live sessions",
            n(p.liveSessions()),
            "mean logins/s x " + n(SESSION_HOURS) + " h (Little's law)"));
    rows.add(
        row(
            "rows in sl_sessions, tombstones included",
            n(p.rows()),
            "live + mean logins/s x " + n(TOMBSTONE_DAYS) + " days"));
    rows.add(row("logins over two shards", pct(p.twoShardShare()), "1 - 1/shards"));
    rows.add(
        row(
            "shard work per login",
            f2(p.unitsPerLogin()) + " evicting opens",
            "1 + "
                + f2(ADDRESS_SIDE_UNITS)
                + " (address) + two-shard share x "
                + f2(TWO_SHARD_EXTRA_UNITS)));
    rows.add(
        row(
            "**shards** (PostgreSQL primaries)",
            "**" + p.shards() + "**",
            "peak x work / shards <= "
                + n(SHARD_OPENS_PER_S)
                + "/s x "
                + pct(SHARD_TARGET_UTILISATION)));
    rows.add(
        row(
            "load per shard at the peak",
            n(perShardLogins)
                + " evicting opens/s ("
                + pct(perShardLogins / SHARD_OPENS_PER_S)
                + ")",
            "of its measured capacity"));
    rows.add(
        row(
            "simulated peak: busiest shard",
            pct(p.simMaxUtilisation()),
            "Poisson arrivals, "
                + n(SIMULATED_SECONDS)
                + " s, "
                + SHARD_SERVERS
                + " servers a shard"));
    rows.add(
        row(
            "simulated peak: p99 of a login's database time",
            f1(p.simP99Ms()) + " ms",
            "queueing + service, address shard then user shard"));
    rows.add(row("rows per shard", n(p.rows() / p.shards()), "rows / shards"));
    rows.add(
        row(
            "disk per shard (sl_sessions + indexes)",
            gb(p.rows() / p.shards() * ROW_BYTES),
            n(ROW_BYTES) + " bytes a row"));
    rows.add(
        row(
            "WAL per shard at the peak",
            mb(PEAK_LOGINS * WAL_BYTES_PER_LOGIN / p.shards()) + "/s",
            n(WAL_BYTES_PER_LOGIN) + " bytes a login"));
    rows.add(
        row(
            "WAL per day, all shards",
            gb(meanLogins * 86_400 * WAL_BYTES_PER_LOGIN),
            "at the mean rate"));
    rows.add(
        row(
            "purge per shard",
            n(2 * meanLogins / p.shards())
                + " rows/s ("
                + pct(2 * meanLogins / p.shards() / PURGE_ROWS_PER_S)
                + " of "
                + n(PURGE_ROWS_PER_S)
                + "/s)",
            "each session's end recorded and tombstone deleted"));
    rows.add(
        row(
            "server CPU",
            n(PEAK_LOGINS * (HASH_CPU_MS + ENFORCEMENT_CPU_MS) / 1000)
                + " cores for logins + "
                + f1(PEAK_VERIFIES * VERIFY_CPU_US / 1e6)
                + " for verifies",
            "("
                + n(HASH_CPU_MS)
                + " + "
                + f1(ENFORCEMENT_CPU_MS)
                + ") ms a login, "
                + n(VERIFY_CPU_US)
                + " µs a verify at "
                + n(PEAK_VERIFIES)
                + "/s"));
    rows.add(
        row(
            "**nodes**",
            "**" + p.nodes() + "**",
            NODE_CORES + " cores each at " + pct(NODE_TARGET_UTILISATION)));
    rows.add(
        row(
            "node cache with affinity (per node)",
            n(perNodeCached) + " sessions, " + mb(perNodeCached * CACHE_ENTRY_BYTES),
            "live / nodes x " + n(CACHE_ENTRY_BYTES) + " bytes"));
    rows.add(
        row(
            "node cache without affinity (per node)",
            gb(p.liveSessions() * CACHE_ENTRY_BYTES),
            "every live session on every node"));
    rows.add(
        row(
            "connections per shard",
            n(p.nodes() * (POOL_PER_SHARD + 1)),
            "nodes x (" + POOL_PER_SHARD + " pooled + 1 poll)"));
    rows.add(
        row(
            "connections per node",
            n(p.shards() * (POOL_PER_SHARD + 1)),
            "shards x (" + POOL_PER_SHARD + " pooled + 1 poll)"));
    rows.add(
        row(
            "liveness polls per shard",
            n(polls) + "/s, " + pct(polls * POLL_CPU_US / 1e6) + " of a core",
            "nodes x " + n(POLLS_PER_S) + "/s x " + n(POLL_CPU_US) + " µs"));
    rows.add(
        row(
            "liveness polls per node",
            n(p.shards() * POLLS_PER_S) + "/s",
            "shards x " + n(POLLS_PER_S) + "/s"));
    StringBuilder out = new StringBuilder("| figure | value | from |\n|---|---:|---|\n");
    for (String[] r : rows) {
      out.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    return out.toString();
  }

  private static String[] row(String figure, String value, String from) {
    return new String[] {figure, value, from};
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.0f%%", v * 100);
  }

  private static String mb(double bytes) {
    return String.format(Locale.ROOT, "%,.1f MB", bytes / 1e6);
  }

  private static String gb(double bytes) {
    return String.format(Locale.ROOT, "%,.1f GB", bytes / 1e9);
  }

  /** The table between the markers of {@code doc}, or null without them. */
  static String tableIn(String doc) {
    int from = doc.indexOf(BEGIN);
    int to = doc.indexOf(END);
    return (from < 0 || to < from) ? null : doc.substring(from + BEGIN.length() + 1, to);
  }

  /** Prints the table, or with {@code --write FILE} replaces the one between its markers. */
  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--write")) {
      Path file = Path.of(args[1]);
      String doc = Files.readString(file);
      String old = tableIn(doc);
      if (old == null) {
        throw new IllegalArgumentException(file + " has no " + BEGIN + " ... " + END);
      }
      Files.writeString(file, doc.replace(BEGIN + "\n" + old, BEGIN + "\n" + table()));
      return;
    }
    System.out.print(table());
  }
}
