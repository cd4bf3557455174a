using System.Globalization;
using Concord.Workflow.Sets;
using Microsoft.Data.Sqlite;

namespace Concord.Workflow.Projects;

/// <summary>
/// Brings each kind's table to the kind's version. A kind's history is recorded as migrations
/// <c>kind:NAME:vN</c>; when the code's version is higher than the highest recorded one, the table gains the declared
/// columns it lacks (<c>ALTER TABLE ... ADD COLUMN</c>) and the new version is recorded, in one BEGIN IMMEDIATE
/// transaction so that two processes opening the project at once apply it once. Only additive changes are migrated:
/// the table's columns must be the first of the declared ones, in order, and the new ones nullable (rows already
/// stored have no value for them). A project whose recorded version is newer than the code's is refused: an older
/// Concord cannot know what the newer tables mean.
/// </summary>
internal static class KindMigrations
{
    /// <summary>The columns every set table has before the kind's own (see <see cref="SetKind.CreateTableSql"/>).</summary>
    private static readonly string[] EngineColumns = ["row_id", "set_id", "item_key", "reason"];

    public static string Id(SetKind kind, int version) => $"kind:{kind.Name}:v{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Applies the kind's pending migration, if any; a no-op when its version is already recorded.</summary>
    public static void Apply(Project project, SetKind kind)
    {
        if (RecordedVersion(project, kind, null) == kind.Version)
            return;
        using var tx = project.Connection.BeginTransaction(deferred: false);
        int recorded = RecordedVersion(project, kind, tx);
        if (recorded > kind.Version)
            throw new ProjectException($"{project.Root}: set kind '{kind.Name}' is at version {recorded} in this project, newer than this Concord's " +
                $"version {kind.Version}; open the project with the Concord that wrote it (or a newer one).");
        if (recorded < kind.Version)
        {
            project.Execute(kind.CreateTableSql(), tx);
            foreach (var column in MissingColumns(project, kind, recorded, tx))
                project.Execute($"ALTER TABLE {kind.TableName} ADD COLUMN \"{column.Name}\" {column.SqlType}", tx);
            project.Execute("INSERT INTO schema_migrations(id, applied_utc) VALUES ($id, $t)", tx, ("$id", Id(kind, kind.Version)), ("$t", Project.Now()));
        }
        tx.Commit();
    }

    /// <summary>The highest N of the recorded <c>kind:NAME:vN</c> migrations; 0 when the kind is new to the project.</summary>
    private static int RecordedVersion(Project project, SetKind kind, SqliteTransaction? tx)
    {
        string prefix = $"kind:{kind.Name}:v";
        using var cmd = project.Command("SELECT id FROM schema_migrations WHERE substr(id, 1, length($p)) = $p", tx, ("$p", prefix));
        using var reader = cmd.ExecuteReader();
        int version = 0;
        while (reader.Read())
            if (int.TryParse(reader.GetString(0).AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int v))
                version = Math.Max(version, v);
        return version;
    }

    /// <summary>
    /// The declared columns the table lacks, after checking that the change is additive: the stored columns are the
    /// first declared ones in the same order (new columns last), and every missing one is nullable.
    /// </summary>
    private static List<SetColumn> MissingColumns(Project project, SetKind kind, int recorded, SqliteTransaction tx)
    {
        var stored = TableColumns(project, kind, tx);
        string where = $"{project.Root}: set kind '{kind.Name}' v{kind.Version} ({kind.RowType.Name})";
        for (int i = 0; i < stored.Count; i++)
        {
            if (i >= kind.Columns.Count || kind.Columns[i].Name != stored[i])
            {
                string declared = i < kind.Columns.Count ? $"declares '{kind.Columns[i].Name}' there" : "declares no column there";
                throw new ProjectException($"{where}: the project's table has column '{stored[i]}' at position {i + 1} and the kind {declared}; " +
                    "a kind may only gain columns, nullable and last (renamed, removed or reordered columns need a new kind).");
            }
        }
        var missing = kind.Columns.Skip(stored.Count).ToList();
        foreach (var column in missing.Where(c => c.SqlType.EndsWith(" NOT NULL", StringComparison.Ordinal)))
            throw new ProjectException($"{where}: new column '{column.Name}' is NOT NULL, which the rows stored by version {recorded} cannot " +
                $"satisfy; declare {kind.RowType.Name}.{column.Property.Name} nullable (new columns: nullable, last).");
        return missing;
    }

    private static List<string> TableColumns(Project project, SetKind kind, SqliteTransaction tx)
    {
        using var cmd = project.Command($"SELECT name FROM pragma_table_info('{kind.TableName}') ORDER BY cid", tx);
        using var reader = cmd.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
            names.Add(reader.GetString(0));
        if (!names.Take(EngineColumns.Length).SequenceEqual(EngineColumns))
            throw new ProjectException($"{project.Root}: table {kind.TableName} does not start with the engine's columns ({string.Join(", ", EngineColumns)}).");
        return names.Skip(EngineColumns.Length).ToList();
    }
}
