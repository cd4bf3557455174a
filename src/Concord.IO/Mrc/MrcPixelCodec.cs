using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Concord.IO.Mrc;

/// <summary>
/// Converts between the bytes of one MRC section and float32 pixels. Encoding into an integer mode rounds to the
/// nearest integer (ties to even) and saturates at the type's range, so integer-valued images round-trip exactly.
/// </summary>
public static class MrcPixelCodec
{
    /// <summary>Decodes <paramref name="source"/> (whole rows of <paramref name="width"/> pixels) into <paramref name="destination"/>.</summary>
    public static void Decode(MrcMode mode, ReadOnlySpan<byte> source, Span<float> destination, int width, bool bigEndian)
    {
        switch (mode)
        {
            case MrcMode.Int8:
                var s8 = MemoryMarshal.Cast<byte, sbyte>(source);
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = s8[i];
                break;
            case MrcMode.Int16:
                var s16 = MemoryMarshal.Cast<byte, short>(source)[..destination.Length];
                if (!bigEndian)
                {
                    // Vectorised: movies are mostly 16-bit, and a 4096² frame is read twice per motion correction.
                    System.Numerics.Tensors.TensorPrimitives.ConvertChecked<short, float>(s16, destination);
                    break;
                }
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReverseEndianness(s16[i]);
                break;
            case MrcMode.UInt16:
                var u16 = MemoryMarshal.Cast<byte, ushort>(source)[..destination.Length];
                if (!bigEndian)
                {
                    System.Numerics.Tensors.TensorPrimitives.ConvertChecked<ushort, float>(u16, destination);
                    break;
                }
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BinaryPrimitives.ReverseEndianness(u16[i]);
                break;
            case MrcMode.Float32:
                MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);
                if (bigEndian)
                {
                    var bits = MemoryMarshal.Cast<float, int>(destination);
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                break;
            case MrcMode.Float16:
                var h = MemoryMarshal.Cast<byte, ushort>(source);
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BitConverter.UInt16BitsToHalf(bigEndian ? BinaryPrimitives.ReverseEndianness(h[i]) : h[i]);
                break;
            case MrcMode.Packed4Bit:
                DecodePacked4(source, destination, width);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an MRC mode Concord knows");
        }
    }

    private static void DecodePacked4(ReadOnlySpan<byte> source, Span<float> destination, int width)
    {
        int rowBytes = (width + 1) / 2;
        int rows = destination.Length / width;
        for (int y = 0; y < rows; y++)
        {
            var row = source.Slice(y * rowBytes, rowBytes);
            var dst = destination.Slice(y * width, width);
            for (int x = 0; x < width; x++)
            {
                byte b = row[x >> 1];
                dst[x] = (x & 1) == 0 ? b & 0x0F : b >> 4;
            }
        }
    }

    /// <summary>Encodes <paramref name="source"/> into little-endian bytes of <paramref name="mode"/>.</summary>
    public static void Encode(MrcMode mode, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (mode)
        {
            case MrcMode.Int8:
                var s8 = MemoryMarshal.Cast<byte, sbyte>(destination);
                for (int i = 0; i < source.Length; i++)
                    s8[i] = (sbyte)Saturate(source[i], sbyte.MinValue, sbyte.MaxValue);
                break;
            case MrcMode.Int16:
                var s16 = MemoryMarshal.Cast<byte, short>(destination);
                for (int i = 0; i < source.Length; i++)
                    s16[i] = (short)Saturate(source[i], short.MinValue, short.MaxValue);
                break;
            case MrcMode.UInt16:
                var u16 = MemoryMarshal.Cast<byte, ushort>(destination);
                for (int i = 0; i < source.Length; i++)
                    u16[i] = (ushort)Saturate(source[i], ushort.MinValue, ushort.MaxValue);
                break;
            case MrcMode.Float32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case MrcMode.Float16:
                var h = MemoryMarshal.Cast<byte, Half>(destination);
                for (int i = 0; i < source.Length; i++)
                    h[i] = (Half)source[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Concord does not write this MRC mode");
        }
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Concord writes MRC files on little-endian machines only.");
    }

    private static int Saturate(float value, int min, int max)
    {
        if (float.IsNaN(value))
            return 0;
        double r = Math.Round((double)value, MidpointRounding.ToEven);
        return r < min ? min : r > max ? max : (int)r;
    }
}
