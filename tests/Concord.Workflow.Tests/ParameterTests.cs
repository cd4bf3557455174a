using Concord.Workflow.Protocols;
using Concord.Workflow.Tests.Mock;

namespace Concord.Workflow.Tests;

public class ParameterTests
{
    [Fact]
    public void Declared_ranges_are_checked_with_unit_in_the_message()
    {
        var errors = new TransformParameters { DelayMs = -5 }.Validate().ToList();
        var e = Assert.Single(errors);
        Assert.Equal("delay_ms", e.Parameter);
        Assert.Contains("[0, 10000] ms", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_described_with_label_help_unit()
    {
        Assert.Empty(new TransformParameters().Validate());
        var d = ProtocolParameters.Describe(typeof(TransformParameters)).Single(x => x.Key == "delay_ms");
        Assert.Equal("Delay", d.Label);
        Assert.Equal("ms", d.Unit);
        Assert.Equal(0, d.Default);
        Assert.Equal(10_000, d.Max);
    }

    [Fact]
    public void Binder_converts_toml_values_and_reports_unknown_keys_and_wrong_types()
    {
        var errors = new List<ParameterError>();
        var bound = (TransformParameters)ParameterBinder.Bind(typeof(TransformParameters),
            new Dictionary<string, object?> { ["scale"] = 3L, ["delay_ms"] = "fast", ["speed"] = 1L }, errors);
        Assert.Equal(3.0, bound.Scale);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Parameter == "delay_ms" && e.Reason.Contains("an integer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Parameter == "speed" && e.Reason.Contains("unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_parameters_add_their_own_rule_to_the_range_checks()
    {
        var e = Assert.Single(new ImportFilesParameters().Validate());
        Assert.Equal("pattern", e.Parameter);
    }

    [Fact]
    public void Canonical_json_is_stable_and_differs_when_a_value_changes()
    {
        Assert.Equal(new TransformParameters { Scale = 2 }.ToJson(), new TransformParameters { Scale = 2 }.ToJson());
        Assert.NotEqual(new TransformParameters { Scale = 2 }.ToJson(), new TransformParameters { Scale = 3 }.ToJson());
    }
}
