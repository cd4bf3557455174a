using Concord.Core.Learning;
using Concord.Core.Learning.Layers;

namespace Concord.Core.Tests.Learning;

public class ConvolutionTests
{
    /// <summary>Direct "same" cross-correlation with zero padding, in double.</summary>
    private static double[] Direct(float[] input, TensorShape shape, float[] weights, float[] bias, int outChannels, int kernel)
    {
        int h = shape.Height, w = shape.Width, pad = kernel / 2;
        var output = new double[outChannels * h * w];
        for (int o = 0; o < outChannels; o++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double sum = bias[o];
                    for (int c = 0; c < shape.Channels; c++)
                    {
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int sy = y + ky - pad, sx = x + kx - pad;
                                if (sy < 0 || sy >= h || sx < 0 || sx >= w)
                                    continue;
                                sum += weights[(((((o * shape.Channels) + c) * kernel) + ky) * kernel) + kx] * (double)input[(((c * h) + sy) * w) + sx];
                            }
                        }
                    }
                    output[(((o * h) + y) * w) + x] = sum;
                }
            }
        }
        return output;
    }

    [Theory]
    [InlineData(1, 8, 8, 4, 3)]
    [InlineData(3, 7, 5, 6, 3)]
    [InlineData(2, 9, 11, 5, 5)]
    [InlineData(4, 6, 6, 3, 1)]
    [InlineData(2, 2, 3, 2, 5)]
    public void Im2ColConvolution_MatchesDirectConvolution(int channels, int height, int width, int outChannels, int kernel)
    {
        var shape = new TensorShape(channels, height, width);
        var conv = new Conv2D(outChannels, kernel);
        conv.Build(shape, 7);
        var bias = conv.Parameters[1].Value;
        for (int o = 0; o < outChannels; o++)
            bias[o] = 0.1f * (o - 1);
        var input = LearningTestData.RandomTensor(3, shape, 5);
        var output = new Tensor4(3, conv.OutputShape);
        conv.Forward(input, output, new PassContext(false, 2, 0));
        Assert.Equal(new TensorShape(outChannels, height, width), conv.OutputShape);
        for (int n = 0; n < 3; n++)
        {
            var expected = Direct(input.Sample(n).ToArray(), shape, conv.Parameters[0].Value, bias, outChannels, kernel);
            var actual = output.Sample(n);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"sample {n} value {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Col2Im_IsTheAdjointOfIm2Col()
    {
        // ⟨im2col(x), g⟩ = ⟨x, col2im(g)⟩ for every x and g: the backward pass uses the exact transpose.
        var shape = new TensorShape(2, 5, 7);
        int rows = 2 * 9, plane = 35;
        var x = LearningTestData.Uniform(shape.Size, 1);
        var g = LearningTestData.Uniform(rows * plane, 2);
        var columns = new float[rows * plane];
        Im2Col.Expand(x, shape, 3, columns);
        var back = new float[shape.Size];
        Im2Col.Accumulate(g, shape, 3, back);
        double left = 0, right = 0;
        for (int i = 0; i < columns.Length; i++)
            left += columns[i] * (double)g[i];
        for (int i = 0; i < x.Length; i++)
            right += x[i] * (double)back[i];
        Assert.Equal(left, right, 1e-4);
    }

    [Fact]
    public void EvenKernelIsRejected()
    {
        Assert.Throws<InvalidParameterException>(() => new Conv2D(4, 2));
        Assert.Throws<InvalidParameterException>(() => Im2Col.Expand(new float[4], new TensorShape(1, 2, 2), 2, new float[16]));
    }
}
