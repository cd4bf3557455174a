using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Concord.Workflow.Projects;
using Concord.Workflow.Protocols;

namespace Concord.Workflow.Running;

/// <summary>An input set of a planned run: produced by a run of this plan, or an existing set of the project.</summary>
public sealed record PlannedInput(string Reference, string? PlannedRun, string Port, long? ExistingSetId, string Identity);

/// <summary>A validated run, ready to execute: its protocol, parameters, inputs and the hash that identifies it.</summary>
public sealed record PlannedRun(string Name, IProtocol Protocol, ProtocolParameters Parameters, IReadOnlyDictionary<string, IReadOnlyList<PlannedInput>> Inputs, string Hash);

/// <summary>The runs of a pipeline in dependency order.</summary>
public sealed record Plan(Pipeline Pipeline, IReadOnlyList<PlannedRun> Runs);

/// <summary>
/// Checks a pipeline completely before anything runs (unknown protocols, bad or out-of-range parameters, unknown,
/// missing or wrong-kind inputs, cycles) and orders it; reports every error with file, line and reason.
/// </summary>
public static class Planner
{
    public static Plan Plan(Pipeline pipeline, ProtocolRegistry protocols, Project? project)
    {
        var errors = new List<PipelineError>();
        var byName = new Dictionary<string, (PipelineRun Run, IProtocol? Protocol)>(StringComparer.Ordinal);
        foreach (var run in pipeline.Runs)
        {
            if (byName.ContainsKey(run.Name.Value))
                errors.Add(new PipelineError(pipeline.Source, run.Name.Line, $"run name '{run.Name.Value}' is used twice."));
            IProtocol? protocol = protocols.TryGet(run.Protocol.Value, out var p) ? p : null;
            if (protocol is null)
                errors.Add(new PipelineError(pipeline.Source, run.Protocol.Line,
                    $"unknown protocol '{run.Protocol.Value}'; known: {(protocols.All.Count == 0 ? "(none)" : string.Join(", ", protocols.All.Select(x => x.Name)))}."));
            byName.TryAdd(run.Name.Value, (run, protocol));
        }
        var parameters = new Dictionary<string, ProtocolParameters>(StringComparer.Ordinal);
        foreach (var (name, (run, protocol)) in byName)
        {
            if (protocol is null)
                continue;
            parameters[name] = BindParameters(pipeline.Source, run, protocol, errors);
            CheckInputs(pipeline.Source, run, protocol, byName, project, errors);
        }
        var order = Order(pipeline, byName, errors);
        if (errors.Count > 0)
            throw new PipelineValidationException(errors);

        var planned = new Dictionary<string, PlannedRun>(StringComparer.Ordinal);
        foreach (var run in order)
        {
            var protocol = byName[run.Name.Value].Protocol!;
            var inputs = run.Inputs.ToDictionary(kv => kv.Key,
                kv => (IReadOnlyList<PlannedInput>)kv.Value.Value.Select(r => ResolveInput(r, planned, project)).ToList());
            var p = parameters[run.Name.Value];
            planned[run.Name.Value] = new PlannedRun(run.Name.Value, protocol, p, inputs, Hash(protocol, p, inputs));
        }
        return new Plan(pipeline, order.Select(r => planned[r.Name.Value]).ToList());
    }

    /// <summary>
    /// The identity of a run: SHA-256 of protocol name and version, canonical parameter JSON and the identities of
    /// its inputs (the hash of the producing run and the port). Equal hashes mean the same computation, so a run is
    /// reused rather than repeated; changed parameters give a new hash and so a new run.
    /// </summary>
    public static string Hash(IProtocol protocol, ProtocolParameters parameters, IReadOnlyDictionary<string, IReadOnlyList<PlannedInput>> inputs)
    {
        var canonical = JsonSerializer.Serialize(new
        {
            protocol = protocol.Name,
            version = protocol.Version,
            parameters = parameters.ToJson(),
            inputs = inputs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new { port = kv.Key, sets = kv.Value.Select(i => i.Identity) }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static ProtocolParameters BindParameters(string source, PipelineRun run, IProtocol protocol, List<PipelineError> errors)
    {
        var bindErrors = new List<ParameterError>();
        var values = run.Parameters.ToDictionary(kv => kv.Key, kv => kv.Value.Value);
        var parameters = ParameterBinder.Bind(protocol.ParametersType, values, bindErrors);
        if (bindErrors.Count == 0)
            bindErrors.AddRange(parameters.Validate());
        foreach (var e in bindErrors)
        {
            int line = run.Parameters.TryGetValue(e.Parameter, out var located) ? located.Line : run.Line;
            errors.Add(new PipelineError(source, line, $"run '{run.Name.Value}' ({protocol.Name}): parameter {e.Parameter}: {e.Reason}"));
        }
        return parameters;
    }

    private static void CheckInputs(string source, PipelineRun run, IProtocol protocol,
        Dictionary<string, (PipelineRun Run, IProtocol? Protocol)> byName, Project? project, List<PipelineError> errors)
    {
        string who = $"run '{run.Name.Value}' ({protocol.Name})";
        foreach (var (port, refs) in run.Inputs)
        {
            var declared = protocol.Inputs.FirstOrDefault(i => i.Name == port);
            if (declared is null)
            {
                errors.Add(new PipelineError(source, refs.Line, $"{who}: no input port '{port}'; ports: {string.Join(", ", protocol.Inputs.Select(i => i.Name).DefaultIfEmpty("(none)"))}."));
                continue;
            }
            if (refs.Value.Count < declared.MinSets || refs.Value.Count > declared.MaxSets)
                errors.Add(new PipelineError(source, refs.Line, $"{who}: input '{port}' takes {declared.MinSets}..{declared.MaxSets} sets, got {refs.Value.Count}."));
            foreach (var reference in refs.Value)
            {
                string? kind = KindOf(reference, byName, project, out string? problem);
                if (problem is not null)
                    errors.Add(new PipelineError(source, refs.Line, $"{who}: input '{port}': {problem}"));
                else if (kind != declared.Kind.Name)
                    errors.Add(new PipelineError(source, refs.Line, $"{who}: input '{port}' expects a {declared.Kind.Name} set, but '{reference}' is a {kind} set."));
            }
        }
        foreach (var missing in protocol.Inputs.Where(i => i.MinSets > 0 && !run.Inputs.ContainsKey(i.Name)))
            errors.Add(new PipelineError(source, run.Line, $"{who}: missing input '{missing.Name}' (a {missing.Kind.Name} set: {missing.Help})."));
    }

    private static string? KindOf(string reference, Dictionary<string, (PipelineRun Run, IProtocol? Protocol)> byName, Project? project, out string? problem)
    {
        problem = null;
        int dot = reference.LastIndexOf('.');
        if (dot <= 0 || dot == reference.Length - 1)
        {
            problem = $"'{reference}' is not of the form RUN.PORT.";
            return null;
        }
        string runName = reference[..dot], port = reference[(dot + 1)..];
        if (byName.TryGetValue(runName, out var upstream))
        {
            if (upstream.Protocol is null)
                return null;
            var output = upstream.Protocol.Outputs.FirstOrDefault(o => o.Name == port);
            if (output is null)
                problem = $"run '{runName}' ({upstream.Protocol.Name}) has no output '{port}'; outputs: {string.Join(", ", upstream.Protocol.Outputs.Select(o => o.Name))}.";
            return output?.Kind.Name;
        }
        var existing = project?.Sets().Where(s => s.RunName == runName && s.Port == port && s.Complete).OrderByDescending(s => s.RunId).FirstOrDefault();
        if (existing is null)
            problem = $"'{runName}' is neither a run of this pipeline nor a finished run of the project with an output '{port}'.";
        return existing?.Kind;
    }

    private static PlannedInput ResolveInput(string reference, Dictionary<string, PlannedRun> planned, Project? project)
    {
        int dot = reference.LastIndexOf('.');
        string runName = reference[..dot], port = reference[(dot + 1)..];
        if (planned.TryGetValue(runName, out var upstream))
            return new PlannedInput(reference, runName, port, null, $"{upstream.Hash}/{port}");
        var set = project!.Sets().Where(s => s.RunName == runName && s.Port == port && s.Complete).OrderByDescending(s => s.RunId).First();
        return new PlannedInput(reference, null, port, set.Id, $"{project!.FindRun(set.RunId)!.Hash}/{port}");
    }

    /// <summary>Topological order (Kahn), stable in file order; a cycle is reported at each run on it.</summary>
    private static List<PipelineRun> Order(Pipeline pipeline, Dictionary<string, (PipelineRun Run, IProtocol? Protocol)> byName, List<PipelineError> errors)
    {
        var deps = byName.ToDictionary(kv => kv.Key, kv => kv.Value.Run.Inputs.Values.SelectMany(v => v.Value)
            .Select(r => r.LastIndexOf('.') > 0 ? r[..r.LastIndexOf('.')] : r).Where(byName.ContainsKey).ToHashSet());
        var order = new List<PipelineRun>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        bool progress = true;
        while (progress)
        {
            progress = false;
            foreach (var run in pipeline.Runs.Where(r => !placed.Contains(r.Name.Value) && deps[r.Name.Value].All(placed.Contains)))
            {
                order.Add(run);
                placed.Add(run.Name.Value);
                progress = true;
            }
        }
        foreach (var run in pipeline.Runs.Where(r => !placed.Contains(r.Name.Value)).DistinctBy(r => r.Name.Value))
            errors.Add(new PipelineError(pipeline.Source, run.Line, $"run '{run.Name.Value}' is part of a dependency cycle (its inputs depend on its own outputs)."));
        return order;
    }
}
