using System.Globalization;
using System.Text;
using Concord.Core.Learning.Layers;

namespace Concord.Core.Learning;

/// <summary>
/// The model file (little-endian binary): the 8 ASCII bytes "CONCNN\0\0", an int32 format version (1), the architecture
/// string (<see cref="SequentialModel.Architecture"/>, length-prefixed UTF-8), an int32 count of arrays, then for each
/// array (every layer's parameters in order, then its saved state) a length-prefixed name, an int32 length and the
/// float32 values. Loading into an existing model compares the architecture strings first and names both on mismatch.
/// </summary>
public static class ModelSerializer
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "CONCNN\0\0"u8.ToArray();

    public static void Save(SequentialModel model, Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(model.Architecture);
        var arrays = NamedArrays(model);
        writer.Write(arrays.Count);
        foreach (var (name, values) in arrays)
        {
            writer.Write(name);
            writer.Write(values.Length);
            foreach (float v in values)
                writer.Write(v);
        }
    }

    public static void LoadWeights(SequentialModel model, Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        string architecture = ReadHeader(reader);
        if (architecture != model.Architecture)
        {
            throw new ModelFormatException(
                $"model file architecture '{architecture}' does not match this model '{model.Architecture}'; train a new model or build the saved architecture.");
        }
        ReadArrays(reader, model);
    }

    public static SequentialModel Load(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        var model = Parse(ReadHeader(reader));
        ReadArrays(reader, model);
        return model;
    }

    /// <summary>Builds an (untrained) model from an architecture string such as "Input(1x32x32)|Conv2D(8,3)|ReLU|MaxPool2D(2)|Dense(1)".</summary>
    public static SequentialModel Parse(string architecture)
    {
        var parts = architecture.Split('|');
        var (name, args) = SplitCall(parts[0], architecture);
        if (name != "Input" || args.Length != 1)
            throw new ModelFormatException($"architecture '{architecture}' must start with Input(CxHxW).");
        var dims = args[0].Split('x');
        if (dims.Length != 3)
            throw new ModelFormatException($"architecture '{architecture}': input shape '{args[0]}' is not CxHxW.");
        var input = new TensorShape(ParseInt(dims[0], architecture), ParseInt(dims[1], architecture), ParseInt(dims[2], architecture));
        var layers = parts.Skip(1).Select(p => ParseLayer(p, architecture)).ToList();
        return new SequentialModel(input, layers);
    }

    private static Layer ParseLayer(string text, string architecture)
    {
        var (name, args) = SplitCall(text, architecture);
        return (name, args.Length) switch
        {
            ("Conv2D", 2) => new Conv2D(ParseInt(args[0], architecture), ParseInt(args[1], architecture)),
            ("ReLU", 0) => new ReLU(),
            ("MaxPool2D", 1) => new MaxPool2D(ParseInt(args[0], architecture)),
            ("Dropout", 1) => new Dropout(double.Parse(args[0], CultureInfo.InvariantCulture)),
            ("Dense", 1) => new Dense(ParseInt(args[0], architecture)),
            ("BatchNorm2D", 0) => new BatchNorm2D(),
            _ => throw new ModelFormatException($"architecture '{architecture}': unknown layer '{text}'."),
        };
    }

    private static (string Name, string[] Args) SplitCall(string text, string architecture)
    {
        int open = text.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
            return (text, []);
        if (!text.EndsWith(')'))
            throw new ModelFormatException($"architecture '{architecture}': malformed layer '{text}'.");
        string inner = text[(open + 1)..^1];
        return (text[..open], inner.Length == 0 ? [] : inner.Split(','));
    }

    private static int ParseInt(string text, string architecture) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ModelFormatException($"architecture '{architecture}': '{text}' is not an integer.");

    private static string ReadHeader(BinaryReader reader)
    {
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new ModelFormatException("not a Concord model file (bad magic bytes).");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new ModelFormatException($"model file format version {version} is not supported (this build reads version {FormatVersion}).");
            return reader.ReadString();
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException("model file is truncated in its header.", e);
        }
    }

    private static void ReadArrays(BinaryReader reader, SequentialModel model)
    {
        var arrays = NamedArrays(model);
        try
        {
            int count = reader.ReadInt32();
            if (count != arrays.Count)
                throw new ModelFormatException($"model file holds {count} arrays, the architecture needs {arrays.Count}.");
            foreach (var (name, values) in arrays)
            {
                string savedName = reader.ReadString();
                int length = reader.ReadInt32();
                if (savedName != name || length != values.Length)
                    throw new ModelFormatException($"model file array '{savedName}' ({length} values) where '{name}' ({values.Length} values) was expected.");
                for (int i = 0; i < length; i++)
                    values[i] = reader.ReadSingle();
            }
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException("model file is truncated in its weights.", e);
        }
    }

    private static List<(string Name, float[] Values)> NamedArrays(SequentialModel model)
    {
        var arrays = new List<(string, float[])>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            arrays.AddRange(layer.Parameters.Select(p => ($"{i}.{p.Name}", p.Value)));
            arrays.AddRange(layer.State.Select((s, k) => ($"{i}.state{k}", s)));
        }
        return arrays;
    }
}
