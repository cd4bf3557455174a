using System.CommandLine;
using System.Globalization;
using Concord.Workflow.Protocols;

namespace Concord.Cli.Verbs;

/// <summary>`concord protocols`: every protocol with its inputs, outputs and parameters (label, unit, range, default, help).</summary>
public sealed class ProtocolsVerb : IVerb
{
    public sealed record ParameterSummary(string Key, string Label, string Type, string Unit, double? Min, double? Max, string? Default, string Help);

    public sealed record ProtocolSummary(string Name, int Version, string Summary, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
        IReadOnlyList<ParameterSummary> Parameters);

    public Command Create(GlobalOptions global, TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("protocols", """
            List the protocols a pipeline can use, with their input and output sets and their parameters.

            Examples:
              concord protocols
              concord protocols --json
            """);
        VerbAction.Bind(command, global, stdout, stderr, (_, ctx) =>
        {
            var list = WorkflowCatalog.Protocols.All.Select(Describe).ToList();
            if (ctx.Json)
            {
                ctx.WriteJsonSummary(list);
                return VerbAction.Success;
            }
            foreach (var p in list)
            {
                ctx.Say($"{p.Name} (v{p.Version}): {p.Summary}");
                foreach (var i in p.Inputs)
                    ctx.Say($"  input  {i}");
                foreach (var o in p.Outputs)
                    ctx.Say($"  output {o}");
                foreach (var a in p.Parameters)
                {
                    string range = a.Min is null && a.Max is null ? "" : $" [{a.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"}, {a.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}]";
                    ctx.Say($"  {a.Key} ({a.Type}{(a.Unit.Length > 0 ? ", " + a.Unit : "")}{range}, default {a.Default ?? "none"}): {a.Label}. {a.Help}");
                }
            }
            return VerbAction.Success;
        });
        return command;
    }

    public static ProtocolSummary Describe(IProtocol p) => new(
        p.Name, p.Version, p.Summary,
        p.Inputs.Select(i => $"{i.Name}: {i.Kind.Name}{(i.MaxSets > 1 ? $" ×{i.MinSets}..{i.MaxSets}" : "")} — {i.Help}").ToList(),
        p.Outputs.Select(o => $"{o.Name}: {o.Kind.Name} — {o.Help}").ToList(),
        ProtocolParameters.Describe(p.ParametersType).Select(d => new ParameterSummary(
            d.Key, d.Label, (Nullable.GetUnderlyingType(d.Type) ?? d.Type).Name.ToLowerInvariant(), d.Unit,
            double.IsNaN(d.Min) ? null : d.Min, double.IsNaN(d.Max) ? null : d.Max,
            FormatDefault(d.Default), d.Help)).ToList());

    private static string? FormatDefault(object? value) => value switch
    {
        null => null,
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
