using System.Globalization;

namespace Concord.Workflow.Protocols;

/// <summary>
/// Builds a parameter record from loosely typed values (TOML, CLI flags, web forms) keyed by snake_case name.
/// Reports unknown keys and values of the wrong type as errors, keyed like the input, instead of throwing.
/// </summary>
public static class ParameterBinder
{
    public static ProtocolParameters Bind(Type parametersType, IReadOnlyDictionary<string, object?> values, List<ParameterError> errors)
    {
        var parameters = (ProtocolParameters)Activator.CreateInstance(parametersType)!;
        var byKey = ProtocolParameters.Describe(parametersType).ToDictionary(d => d.Key, StringComparer.Ordinal);
        foreach (var (key, raw) in values)
        {
            if (!byKey.TryGetValue(key, out var d))
            {
                errors.Add(new ParameterError(key, $"unknown parameter; known: {(byKey.Count == 0 ? "(none)" : string.Join(", ", byKey.Keys))}."));
                continue;
            }
            if (TryConvert(raw, d.Type, out object? value))
                d.Property.SetValue(parameters, value);
            else
                errors.Add(new ParameterError(key, $"expected {Describe(d.Type)}, got {raw ?? "nothing"} ({raw?.GetType().Name ?? "null"})."));
        }
        return parameters;
    }

    private static bool TryConvert(object? raw, Type type, out object? value)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        value = null;
        switch (raw)
        {
            case null:
                return !type.IsValueType || target != type;
            case string s when target == typeof(string):
                value = s;
                return true;
            case string s when target.IsEnum && Enum.TryParse(target, s, ignoreCase: true, out object? e):
                value = e;
                return true;
            case bool b when target == typeof(bool):
                value = b;
                return true;
            case long or int when target == typeof(int) || target == typeof(long) || target == typeof(double) || target == typeof(float):
                long l = Convert.ToInt64(raw, CultureInfo.InvariantCulture);
                if (target == typeof(int) && (l < int.MinValue || l > int.MaxValue))
                    return false;
                value = Convert.ChangeType(l, target, CultureInfo.InvariantCulture);
                return true;
            case double or float when target == typeof(double) || target == typeof(float):
                value = Convert.ChangeType(raw, target, CultureInfo.InvariantCulture);
                return true;
            default:
                return false;
        }
    }

    private static string Describe(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(int) || target == typeof(long) ? "an integer"
            : target == typeof(double) || target == typeof(float) ? "a number"
            : target == typeof(bool) ? "true or false"
            : target.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(target))
            : "a string";
    }
}
