namespace Portique.Templating.Runtime;

/// <summary>Bounds that turn a runaway template into a clear error instead of a hung or crashed process.</summary>
internal static class RenderLimits
{
    public const int MaxLoopIterations = 1_000_000;

    public const int MaxOutputLength = 16 * 1024 * 1024;

    /// <summary>Longest string or list an operation may build (repetition, concatenation, range...).</summary>
    public const int MaxSequenceLength = 1_000_000;

    /// <summary>Deepest list nesting that printing or comparing will walk.</summary>
    public const int MaxValueDepth = 100;

    /// <summary>Nested <c>%def</c> calls and <c>%include</c>s.</summary>
    public const int MaxCallDepth = 50;

    public static void CheckSequenceLength(long length)
    {
        if (length > MaxSequenceLength)
        {
            throw new EvaluationException(Messages.FormatValueTooLarge(MaxSequenceLength));
        }
    }

    public static void CheckValueDepth(int depth)
    {
        if (depth > MaxValueDepth)
        {
            throw new EvaluationException(Messages.FormatValueTooDeep(MaxValueDepth));
        }
    }
}
