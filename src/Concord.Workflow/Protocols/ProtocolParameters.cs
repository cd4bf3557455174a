using System.Reflection;
using System.Text.Json;
using Concord.Workflow.Sets;

namespace Concord.Workflow.Protocols;

/// <summary>
/// Describes one protocol parameter for help, CLI flags, web forms and validation: a short label, a help sentence,
/// the unit (Å, px, ms, ...) and an inclusive range (NaN: unbounded).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ParamAttribute(string label, string help) : Attribute
{
    public string Label { get; } = label;
    public string Help { get; } = help;
    public string Unit { get; init; } = "";
    public double Min { get; init; } = double.NaN;
    public double Max { get; init; } = double.NaN;
}

/// <summary>A reason a parameter value is not acceptable; <see cref="Parameter"/> is the snake_case key.</summary>
public sealed record ParameterError(string Parameter, string Reason)
{
    public override string ToString() => $"{Parameter}: {Reason}";
}

/// <summary>One declared parameter of a protocol, as help and forms show it.</summary>
public sealed record ParameterDescriptor(string Key, string Label, string Help, string Unit, double Min, double Max, Type Type, object? Default, PropertyInfo Property);

/// <summary>
/// Base of every protocol's parameter record. Properties with <see cref="ParamAttribute"/> are the parameters; their
/// initialisers are the defaults. <see cref="Validate"/> checks the declared ranges; override it to add rules that
/// relate several parameters (call the base).
/// </summary>
public abstract record ProtocolParameters
{
    private static readonly JsonSerializerOptions CanonicalJson = new() { WriteIndented = false };

    /// <summary>Every problem with these values, in words a user can act on; empty when they are fine.</summary>
    public virtual IEnumerable<ParameterError> Validate()
    {
        foreach (var d in Describe(GetType()))
        {
            object? value = d.Property.GetValue(this);
            if (value is null && !IsNullable(d.Property))
                yield return new ParameterError(d.Key, "is required.");
            if (value is not (int or long or double or float))
                continue;
            double v = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            string unit = d.Unit.Length > 0 ? " " + d.Unit : "";
            if (double.IsNaN(v) || double.IsInfinity(v))
                yield return new ParameterError(d.Key, $"must be a finite number, got {v}.");
            else if (!double.IsNaN(d.Min) && v < d.Min || !double.IsNaN(d.Max) && v > d.Max)
                yield return new ParameterError(d.Key, $"must be in [{Bound(d.Min)}, {Bound(d.Max)}]{unit}, got {v}{unit}.");
        }
    }

    /// <summary>Canonical JSON of the parameter values (declaration order), stored with the run and hashed.</summary>
    public string ToJson()
    {
        var values = new Dictionary<string, object?>();
        foreach (var d in Describe(GetType()))
            values[d.Key] = d.Property.GetValue(this);
        return JsonSerializer.Serialize(values, CanonicalJson);
    }

    /// <summary>The declared parameters of a parameter record type, with defaults from a fresh instance.</summary>
    public static IReadOnlyList<ParameterDescriptor> Describe(Type parametersType)
    {
        object defaults = Activator.CreateInstance(parametersType)
            ?? throw new ArgumentException($"{parametersType.Name} needs a parameterless constructor.");
        return parametersType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<ParamAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new ParameterDescriptor(SetKind.ToSnakeCase(x.Property.Name), x.Attribute!.Label, x.Attribute.Help, x.Attribute.Unit,
                x.Attribute.Min, x.Attribute.Max, x.Property.PropertyType, x.Property.GetValue(defaults), x.Property))
            .ToList();
    }

    private static bool IsNullable(PropertyInfo p) =>
        p.PropertyType.IsValueType ? Nullable.GetUnderlyingType(p.PropertyType) is not null
            : new NullabilityInfoContext().Create(p).ReadState == NullabilityState.Nullable;

    private static string Bound(double b) => double.IsNaN(b) ? "∞" : b.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
