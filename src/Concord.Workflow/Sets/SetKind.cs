using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Concord.Workflow.Sets;

/// <summary>Marks a string property of a row record as a project-relative path to a file the row owns.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ProjectPathAttribute : Attribute;

/// <summary>One typed column of a set table, derived from a property of the row record.</summary>
public sealed record SetColumn(string Name, string SqlType, Type ClrType, bool IsProjectPath, PropertyInfo Property);

/// <summary>
/// A kind of set (micrographs, volumes, ...): a name and a table with one real column per property of its row record.
/// Every set table also has the engine's columns: row_id, set_id, item_key (unique within a set; the item the row
/// belongs to, shared with the input item it came from) and reason (why a row was rejected, null otherwise).
/// Rows are read and written by column name, never by position.
/// <para>
/// Changing a kind: <b>new columns: nullable, last</b>. Append the new property at the end of the row record, make it
/// nullable (rows stored before it have no value; readers must treat null as "unknown"), and raise
/// <see cref="Version"/>. Opening a project recorded at a lower version adds the missing columns with
/// <c>ALTER TABLE ... ADD COLUMN</c> and records <c>kind:NAME:vVERSION</c>; a NOT NULL new column, or a renamed,
/// removed or reordered one, is refused with an error naming the kind and column (such a change needs a new kind).
/// A project recorded at a higher version than the code's is refused rather than opened by code that cannot read it.
/// </para>
/// </summary>
public abstract class SetKind
{
    protected SetKind(string name, int version, Type rowType)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"set kind name '{name}' must be lower-case letters, digits and '_'.", nameof(name));
        if (version < 1)
            throw new ArgumentException($"set kind '{name}': version must be 1 or more, got {version}.", nameof(version));
        Name = name;
        Version = version;
        RowType = rowType;
        Columns = DeriveColumns(rowType);
        Constructor = FindConstructor(rowType, Columns);
    }

    public string Name { get; }

    /// <summary>Schema version of the table: raise it when the row record gains properties (nullable, last); the project migrates on open.</summary>
    public int Version { get; }

    public Type RowType { get; }
    public IReadOnlyList<SetColumn> Columns { get; }
    public string TableName => "set_" + Name;
    internal ConstructorInfo Constructor { get; }

    /// <summary>The statement that creates this kind's table at its current version (all columns, in declaration order).</summary>
    public string CreateTableSql()
    {
        var columns = string.Join(", ", Columns.Select(c => $"\"{c.Name}\" {c.SqlType}"));
        return $"""
            CREATE TABLE IF NOT EXISTS {TableName} (
              row_id INTEGER PRIMARY KEY, set_id INTEGER NOT NULL REFERENCES sets(id), item_key TEXT NOT NULL,
              reason TEXT NULL{(Columns.Count > 0 ? ", " + columns : "")}, UNIQUE(set_id, item_key));
            """;
    }

    internal object ReadRow(SqliteDataReader reader, int firstColumn)
    {
        var args = new object?[Columns.Count];
        for (int i = 0; i < Columns.Count; i++)
            args[i] = FromDb(reader.GetValue(firstColumn + i), Columns[i].ClrType);
        return Constructor.Invoke(args);
    }

    internal object? ToDb(object row, int column)
    {
        object? value = Columns[column].Property.GetValue(row);
        return value switch
        {
            null => DBNull.Value,
            bool b => b ? 1L : 0L,
            Enum e => e.ToString(),
            float f => (double)f,
            _ => value,
        };
    }

    private static object? FromDb(object value, Type type)
    {
        if (value is DBNull)
            return null;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(bool))
            return Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
        if (target.IsEnum)
            return Enum.Parse(target, (string)value);
        return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    private static List<SetColumn> DeriveColumns(Type rowType)
    {
        var columns = new List<SetColumn>();
        foreach (var p in rowType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract")
                continue;
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            string sql = type == typeof(string) || type.IsEnum ? "TEXT"
                : type == typeof(double) || type == typeof(float) ? "REAL"
                : type == typeof(int) || type == typeof(long) || type == typeof(bool) ? "INTEGER"
                : throw new ArgumentException($"{rowType.Name}.{p.Name}: type {p.PropertyType.Name} has no column mapping (use string, int, long, double, float, bool or an enum).");
            bool isPath = p.GetCustomAttribute<ProjectPathAttribute>() is not null;
            if (isPath && type != typeof(string))
                throw new ArgumentException($"{rowType.Name}.{p.Name}: [ProjectPath] needs a string property.");
            bool nullable = !p.PropertyType.IsValueType ? new NullabilityInfoContext().Create(p).ReadState == NullabilityState.Nullable
                : Nullable.GetUnderlyingType(p.PropertyType) is not null;
            columns.Add(new SetColumn(ToSnakeCase(p.Name), sql + (nullable ? " NULL" : " NOT NULL"), p.PropertyType, isPath, p));
        }
        return columns;
    }

    private static ConstructorInfo FindConstructor(Type rowType, IReadOnlyList<SetColumn> columns)
    {
        foreach (var ctor in rowType.GetConstructors())
        {
            var ps = ctor.GetParameters();
            if (ps.Length == columns.Count && ps.Zip(columns).All(x => string.Equals(x.First.Name, x.Second.Property.Name, StringComparison.OrdinalIgnoreCase)))
                return ctor;
        }
        throw new ArgumentException($"{rowType.Name}: a row record needs a constructor taking every property in declaration order (a positional record).");
    }

    /// <summary>PixelSizeA → pixel_size_a: the spelling of columns, TOML keys and CLI flags.</summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}

/// <summary>A set kind whose rows are records of type <typeparamref name="TRow"/>; declare one per kind, once.</summary>
public sealed class SetKind<TRow> : SetKind where TRow : notnull
{
    public SetKind(string name, int version = 1) : base(name, version, typeof(TRow)) { }

    internal TRow Read(SqliteDataReader reader, int firstColumn) => (TRow)ReadRow(reader, firstColumn);
}

/// <summary>One item of a set: its key, its typed row and, for rejected items, the reason.</summary>
public sealed record SetRow<TRow>(string Key, TRow Row, string? Reason = null);
