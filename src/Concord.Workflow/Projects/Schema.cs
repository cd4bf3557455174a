namespace Concord.Workflow.Projects;

/// <summary>
/// The core schema as an ordered list of named migrations; each is applied once, in one transaction, and recorded
/// in <c>schema_migrations</c>. Never edit a shipped migration: append a new one.
/// </summary>
internal static class Schema
{
    public static IReadOnlyList<(string Id, string Sql)> Core { get; } =
    [
        ("core:001", """
            CREATE TABLE runs (
              id INTEGER PRIMARY KEY, name TEXT NOT NULL, protocol TEXT NOT NULL, protocol_version INTEGER NOT NULL,
              params_json TEXT NOT NULL, inputs_json TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, folder TEXT NOT NULL,
              status TEXT NOT NULL, created_utc TEXT NOT NULL, started_utc TEXT NULL, finished_utc TEXT NULL, error TEXT NULL);
            CREATE TABLE sets (
              id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id), port TEXT NOT NULL, kind TEXT NOT NULL,
              complete INTEGER NOT NULL DEFAULT 0, UNIQUE(run_id, port));
            CREATE TABLE run_inputs (
              run_id INTEGER NOT NULL REFERENCES runs(id), port TEXT NOT NULL, position INTEGER NOT NULL,
              set_id INTEGER NOT NULL REFERENCES sets(id), PRIMARY KEY(run_id, port, position));
            CREATE TABLE steps (
              run_id INTEGER NOT NULL REFERENCES runs(id), step TEXT NOT NULL, position INTEGER NOT NULL,
              total INTEGER NOT NULL, finished_utc TEXT NULL, PRIMARY KEY(run_id, step));
            CREATE TABLE items (
              run_id INTEGER NOT NULL REFERENCES runs(id), step TEXT NOT NULL, item_key TEXT NOT NULL,
              ok INTEGER NOT NULL, error TEXT NULL, PRIMARY KEY(run_id, step, item_key));
            CREATE TABLE reports (
              run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(run_id, name));
            CREATE TABLE pipelines (id INTEGER PRIMARY KEY, source TEXT NOT NULL, text TEXT NOT NULL, created_utc TEXT NOT NULL);
            """),
    ];
}
