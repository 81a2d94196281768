package io.vidlog.server.keys;

import io.vertx.core.Vertx;
import io.vidlog.server.Main;
import io.vidlog.server.StoreStack;
import io.vidlog.server.auth.AccessKey;
import io.vidlog.server.auth.AccessKeyStore;
import io.vidlog.kvs.KvsActions;
import io.vidlog.kvs.StreamRules;
import io.vidlog.server.auth.GenerationFloor;
import io.vidlog.server.auth.Policy;
import io.vidlog.server.config.ConfigException;
import io.vidlog.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vidlog-server keys create|list|revoke}: access-key management on the store the same flags
 * (data dir, or an external S3 store) point at. Prints to stdout, being a CLI; a created secret is
 * shown once, except an admin key's, which goes to {@code admin-credentials.json} (mode 0600) only.
 * This is also how an operator rotates or recovers the admin key: the server never recreates it.
 */
@Command(name = "keys", description = "Manage access keys.", mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  static <T> T withKeys(CommandSpec spec, Function<AccessKeyStore, T> action) throws Exception {
    return withKeys(Main.config(spec), action);
  }

  static <T> T withKeys(ServerConfig config, Function<AccessKeyStore, T> action) throws Exception {
    Files.createDirectories(config.dataDir());
    Vertx vertx = Vertx.vertx();
    StoreStack stores = null;
    try {
      stores = Main.opener().open(vertx, config).await();
      // the generation floor is written at once: the command exits right after
      return action.apply(new AccessKeyStore(stores.store(), stores.systemSealer(),
          GenerationFloor.inDataDir(config.dataDir(), Runnable::run)));
    } finally {
      if (stores != null) {
        stores.store().close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Command(name = "create", description = "Create an access key and print its secret once; with --admin, write "
      + "it to <data-dir>/admin-credentials.json (mode 0600) instead (how the admin key is rotated or recovered).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--name", description = "A name for people (default 'admin' with --admin)") String name;
    @Option(names = "--actions", split = ",", description = "KVS actions (e.g. PutMedia,GetMedia) or *") List<String> actions;
    @Option(names = "--streams", split = ",", description = "Stream-name patterns (* and ?), e.g. 'cam-*'") List<String> streams;
    @Option(names = "--admin", description = "May do everything; written to admin-credentials.json") boolean admin;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (admin) {
        ServerConfig config = Main.config(spec);
        Path file = config.dataDir().resolve(AdminCredentials.FILE);
        AdminCredentials c = withKeys(config, keys -> AdminBootstrap.create(keys, file,
            config.http().region(), config.http().endpoint(config.http().port()), name == null ? "admin" : name));
        out.println("accessKeyId:     " + c.accessKeyId());
        out.println("secretAccessKey: in " + file + " (mode 0600), with the region and endpoint");
        out.println("policy:          " + describe(Policy.adminPolicy()));
        out.println("Revoke the previous admin key, if any, with: keys revoke <its accessKeyId>");
        out.flush();
        return 0;
      }
      if (name == null) {
        throw new ConfigException("'--name' is required");
      }
      Policy policy = policy(actions, streams);
      AccessKeyStore.Resolved r = withKeys(spec, keys -> keys.create(name, policy).await());
      out.println("accessKeyId:     " + r.key().id());
      out.println("secretAccessKey: " + r.secret());
      out.println("policy:          " + describe(r.key().policy()));
      out.flush();
      return 0;
    }
  }

  static Policy policy(List<String> actions, List<String> streams) {
    if (actions == null || actions.isEmpty()) {
      throw new ConfigException("'--actions' is required (or --admin)");
    }
    if (streams == null || streams.isEmpty()) {
      throw new ConfigException("'--streams' is required (or --admin)");
    }
    Set<String> normalised = new LinkedHashSet<>();
    for (String a : actions) {
      String n = KvsActions.normalise(a);
      if (n == null) {
        throw new ConfigException("Invalid value for '--actions': '" + a + "' (expected KVS action names such as "
            + "PutMedia, GetMedia, DescribeStream, or *)");
      }
      normalised.add(n);
    }
    List<String> patterns = new ArrayList<>();
    for (String s : streams) {
      if (!StreamRules.isValidNameGlob(s)) {
        throw new ConfigException("Invalid value for '--streams': '" + s
            + "' (expected stream-name patterns: " + StreamRules.NAME_GLOB.pattern() + ", * any run, ? one character)");
      }
      patterns.add(s);
    }
    return new Policy(false, normalised, patterns);
  }

  static String describe(Policy p) {
    return p.admin() ? "admin (everything)" : "actions " + String.join(",", new java.util.TreeSet<>(p.actions()))
        + " on streams " + String.join(",", p.streams());
  }

  @Command(name = "list", description = "List access keys (never their secrets), and stored keys that are refused.")
  static final class ListKeys implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      List<AccessKeyStore.Listed> keys = withKeys(spec, k -> k.list().await());
      PrintWriter out = spec.commandLine().getOut();
      for (AccessKeyStore.Listed l : keys) {
        AccessKey k = l.key();
        String what = k == null ? "" : String.format("  %-20s  %s  created %s", k.name(), describe(k.policy()),
            Instant.ofEpochMilli(k.createdMillis()));
        out.printf("%s%s%s%n", l.id(), what,
            l.status() == AccessKeyStore.Status.VALID ? "" : "  (" + l.status().text() + ")");
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "revoke", description = "Revoke an access key (also removes refused records); requests signed "
      + "with it are refused within 30 s on every node.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Parameters(index = "0", paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      ServerConfig config = Main.config(spec);
      boolean revoked = withKeys(config, k -> k.revoke(id).await());
      if (!revoked) {
        spec.commandLine().getErr().println("vidlog: no access key " + id);
        return 1;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("revoked " + id);
      Path file = config.dataDir().resolve(AdminCredentials.FILE);
      if (Files.isRegularFile(file) && id.equals(AdminCredentials.read(file).accessKeyId())) {
        out.println("It was the admin key in " + file + "; create a new one with: keys create --admin");
      }
      out.flush();
      return 0;
    }
  }
}
