// SPDX-License-Identifier: Apache-2.0
// The Liquibase side of the differential harness: ONE JVM runs every `update` or
// `rollback-count` of a batch through Liquibase's own command API (the same CommandScope
// the CLI calls), instead of paying a JVM start (~2-4 s) per command.
//
// usage: java -cp <liquibase jars>:<this> LiquibaseDriver JOBS RESULTS
// JOBS: one job a line, tab-separated: command(update|rollbackCount|generateChangelog) dir
//       changelog url user password count [excludeObjects]. The changelog is resolved relative
//       to dir (the search path), so the FILENAME column holds it as given, as with
//       `cd dir && liquibase --changelog-file=...`; generateChangelog writes it (give it
//       absolute), leaving out the objects excludeObjects matches.
// RESULTS: one line a job, in order: "OK" or "ERROR<TAB>message".
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.resource.ClassLoaderResourceAccessor;
import liquibase.resource.CompositeResourceAccessor;
import liquibase.resource.DirectoryResourceAccessor;

public final class LiquibaseDriver {
    private LiquibaseDriver() {}

    public static void main(String[] args) throws Exception {
        List<String> jobs = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        try (PrintWriter results = new PrintWriter(Files.newBufferedWriter(Paths.get(args[1]),
                 StandardCharsets.UTF_8))) {
            for (String job : jobs) {
                if (job.isEmpty()) continue;
                String[] f = job.split("\t", -1);
                String outcome;
                try {
                    run(f[0], Paths.get(f[1]), f[2], f[3], f[4], f[5], Integer.parseInt(f[6]),
                        f.length > 7 ? f[7] : "");
                    outcome = "OK";
                } catch (Throwable e) {
                    outcome = "ERROR\t" + describe(e);
                }
                System.out.println("harness job " + f[2] + " " + f[0] + ": " + outcome);
                results.println(outcome);
                results.flush();
            }
        }
        // Liquibase may leave non-daemon threads behind; the batch is done.
        System.exit(0);
    }

    private static void run(String command, Path dir, String changelog, String url, String user,
                            String password, int count, String excludeObjects)
        throws Exception {
        Map<String, Object> scope = new HashMap<>();
        scope.put(Scope.Attr.resourceAccessor.name(),
                  new CompositeResourceAccessor(new DirectoryResourceAccessor(dir),
                                                new ClassLoaderResourceAccessor()));
        Scope.child(scope, () -> {
            CommandScope cmd = new CommandScope(command);
            cmd.addArgumentValue("changelogFile", changelog);
            cmd.addArgumentValue("url", url);
            if (!user.isEmpty()) cmd.addArgumentValue("username", user);
            if (!password.isEmpty()) cmd.addArgumentValue("password", password);
            if (command.equals("rollbackCount")) cmd.addArgumentValue("count", count);
            if (command.equals("generateChangelog") && !excludeObjects.isEmpty())
                cmd.addArgumentValue("excludeObjects", excludeObjects);
            cmd.execute();
        });
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (text.length() > 0) text.append(" <- ");
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) break;
        }
        return text.toString().replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    }
}
