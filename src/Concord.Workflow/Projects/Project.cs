using System.Globalization;
using Concord.Workflow.Sets;
using Microsoft.Data.Sqlite;

namespace Concord.Workflow.Projects;

/// <summary>
/// A project folder: <c>project.sqlite</c> (WAL, busy timeout, versioned schema) and <c>Runs/NNN_Name/</c> with
/// <c>logs/</c>, <c>extra/</c> and <c>tmp/</c>. Binary data lives in files referenced by project-relative paths.
/// Any number of readers may open the same project while one runner writes.
/// </summary>
public sealed class Project : IDisposable
{
    public const string DatabaseFile = "project.sqlite";
    public const string RunsFolder = "Runs";
    private const int BusyTimeoutMs = 30_000;

    private Project(string root, SetKindRegistry kinds, SqliteConnection connection)
    {
        Root = root;
        Kinds = kinds;
        Connection = connection;
    }

    public string Root { get; }
    public SetKindRegistry Kinds { get; }

    /// <summary>This project's connection; the runner serialises its writes through it, readers use their own project.</summary>
    internal SqliteConnection Connection { get; }

    internal object WriteLock { get; } = new();

    /// <summary>
    /// Opens (creating when <paramref name="create"/> is true) a project and brings its schema up to date: core
    /// migrations, then each kind's table created or migrated to the kind's version (see <see cref="SetKind.Version"/>).
    /// Throws <see cref="ProjectException"/> when a kind cannot be migrated or the project was written by a newer version.
    /// </summary>
    public static Project Open(string root, SetKindRegistry? kinds = null, bool create = false)
    {
        root = Path.GetFullPath(root);
        string db = Path.Combine(root, DatabaseFile);
        if (!File.Exists(db) && !create)
            throw new ProjectException($"{root}: not a Concord project (no {DatabaseFile}); `concord run` creates one.");
        Directory.CreateDirectory(Path.Combine(root, RunsFolder));
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        connection.Open();
        var project = new Project(root, kinds ?? SetKindRegistry.BuiltIn, connection);
        // WAL lets readers work while the runner writes; NORMAL sync keeps every committed transaction across a
        // process crash (kill -9) and only risks the last ones on power loss, at a fraction of the fsync cost.
        project.Execute($"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={BusyTimeoutMs};");
        try
        {
            project.Migrate();
        }
        catch
        {
            project.Dispose();
            throw;
        }
        return project;
    }

    /// <summary>Absolute path of a project-relative path (always written with '/').</summary>
    public string Resolve(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Project-relative path ('/'-separated) of an absolute path inside the project.</summary>
    public string Relative(string absolutePath) => Path.GetRelativePath(Root, absolutePath).Replace(Path.DirectorySeparatorChar, '/');

    public void Dispose() => Connection.Dispose();

    internal void Execute(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, transaction, args);
        cmd.ExecuteNonQuery();
    }

    internal T? Scalar<T>(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql, transaction, args);
        object? value = cmd.ExecuteScalar();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    internal SqliteCommand Command(string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] args)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = transaction;
        foreach (var (name, value) in args)
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    internal static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private void Migrate()
    {
        lock (WriteLock)
        {
            Execute("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_utc TEXT NOT NULL);");
            foreach (var (id, sql) in Schema.Core)
            {
                if (Scalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE id=$id", null, ("$id", id)) > 0)
                    continue;
                // BEGIN IMMEDIATE: two processes opening a new project at once must not both apply a migration.
                using var tx = Connection.BeginTransaction(deferred: false);
                if (Scalar<long>("SELECT COUNT(*) FROM schema_migrations WHERE id=$id", tx, ("$id", id)) == 0)
                {
                    Execute(sql, tx);
                    Execute("INSERT INTO schema_migrations(id, applied_utc) VALUES ($id, $t)", tx, ("$id", id), ("$t", Now()));
                }
                tx.Commit();
            }
            foreach (var kind in Kinds.All)
                KindMigrations.Apply(this, kind);
        }
    }
}
