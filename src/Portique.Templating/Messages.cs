using System.Globalization;
using System.Resources;

namespace Portique.Templating;

/// <summary>
/// Strongly-typed access to <c>Resources/Messages.resx</c> (French, the neutral language) and
/// <c>Messages.en.resx</c>, looked up in <see cref="CultureInfo.CurrentUICulture"/> when the error is raised.
/// </summary>
internal static class Messages
{
    private static readonly ResourceManager Resources = new("Portique.Templating.Resources.Messages", typeof(Messages).Assembly);

    public static string ArgumentCount(string function, int expected, int given) => Format(nameof(ArgumentCount), function, expected, given);

    public static string ArgumentCountAtLeast(string function, int minimum, int given) => Format(nameof(ArgumentCountAtLeast), function, minimum, given);

    public static string ArgumentCountRange(string function, int minimum, int maximum, int given) => Format(nameof(ArgumentCountRange), function, minimum, maximum, given);

    public static string ArgumentType(string function, string expectedType, string actualType) => Format(nameof(ArgumentType), function, expectedType, actualType);

    public static string ArithmeticOverflow => Get(nameof(ArithmeticOverflow));

    public static string AttributeName => Get(nameof(AttributeName));

    public static string BlockNotClosed(string keyword, int openingLine) => Format(nameof(BlockNotClosed), keyword, openingLine);

    public static string BranchAfterElse(string keyword, int openingLine) => Format(nameof(BranchAfterElse), keyword, openingLine);

    public static string BranchWithoutIf(string keyword) => Format(nameof(BranchWithoutIf), keyword);

    public static string DivisionByZero => Get(nameof(DivisionByZero));

    public static string EmptySeparator => Get(nameof(EmptySeparator));

    public static string EmptySequence(string function) => Format(nameof(EmptySequence), function);

    public static string EndKindExpected => Get(nameof(EndKindExpected));

    public static string EndMismatch(string keyword, string openKeyword, int openingLine) => Format(nameof(EndMismatch), keyword, openKeyword, openingLine);

    public static string EndOfLine => Get(nameof(EndOfLine));

    public static string EndWithoutBlock(string keyword) => Format(nameof(EndWithoutBlock), keyword);

    public static string Expected(string expected) => Format(nameof(Expected), expected);

    public static string ExpectedButFound(string expected, string found) => Format(nameof(ExpectedButFound), expected, found);

    public static string ExpressionExpected => Get(nameof(ExpressionExpected));

    public static string ExpressionTooDeep(int maximum) => Format(nameof(ExpressionTooDeep), maximum);

    public static string HasNoLength(string type) => Format(nameof(HasNoLength), type);

    public static string IndexNotInteger(string type) => Format(nameof(IndexNotInteger), type);

    public static string IndexOutOfRange(long index, int length) => Format(nameof(IndexOutOfRange), index, length);

    public static string InvalidEscape(string escape) => Format(nameof(InvalidEscape), escape);

    public static string InvalidInteger(string value) => Format(nameof(InvalidInteger), value);

    public static string LocalNotSet(string name) => Format(nameof(LocalNotSet), name);

    public static string LoopControlOutsideFor(string keyword) => Format(nameof(LoopControlOutsideFor), keyword);

    public static string MisspelledDirective(string written, string correct) => Format(nameof(MisspelledDirective), written, correct);

    public static string NotCallable => Get(nameof(NotCallable));

    public static string NotIndexable(string type) => Format(nameof(NotIndexable), type);

    public static string NotIterable(string type) => Format(nameof(NotIterable), type);

    public static string NumberTooLarge(string number) => Format(nameof(NumberTooLarge), number);

    public static string OutputTooLarge(int maximum) => Format(nameof(OutputTooLarge), maximum);

    public static string PlaceholderIsDirective(string keyword, string suggestion) => Format(nameof(PlaceholderIsDirective), keyword, suggestion);

    public static string PlaceholderNameExpected => Get(nameof(PlaceholderNameExpected));

    public static string RangeStepZero => Get(nameof(RangeStepZero));

    public static string ReadFailed(string reason) => Format(nameof(ReadFailed), reason);

    public static string TooManyLoopIterations(int maximum) => Format(nameof(TooManyLoopIterations), maximum);

    public static string TooManyNestedBlocks(int maximum) => Format(nameof(TooManyNestedBlocks), maximum);

    public static string UndefinedVariable(string name) => Format(nameof(UndefinedVariable), name);

    public static string UnexpectedAfterDirective(string directive, string found) => Format(nameof(UnexpectedAfterDirective), directive, found);

    public static string UnexpectedCharacter(string character) => Format(nameof(UnexpectedCharacter), character);

    public static string UnexpectedToken(string found) => Format(nameof(UnexpectedToken), found);

    public static string UnknownAttribute(string type, string name) => Format(nameof(UnknownAttribute), type, name);

    public static string UnknownFunction(string name) => Format(nameof(UnknownFunction), name);

    public static string UnknownMethod(string type, string name) => Format(nameof(UnknownMethod), type, name);

    public static string UnknownName(string name) => Format(nameof(UnknownName), name);

    public static string UnknownSlave(string name, string slaves) => Format(nameof(UnknownSlave), name, slaves);

    public static string UnpackMismatch(int expected, int found) => Format(nameof(UnpackMismatch), expected, found);

    public static string UnsupportedDirective(string directive) => Format(nameof(UnsupportedDirective), directive);

    public static string UnsupportedOperand(string operation, string type) => Format(nameof(UnsupportedOperand), operation, type);

    public static string UnsupportedOperands(string operation, string leftType, string rightType) => Format(nameof(UnsupportedOperands), operation, leftType, rightType);

    public static string UnterminatedComment => Get(nameof(UnterminatedComment));

    public static string UnterminatedString(string quote) => Format(nameof(UnterminatedString), quote);

    public static string ValueNotInList(string value) => Format(nameof(ValueNotInList), value);

    public static string ValueTooDeep(int maximum) => Format(nameof(ValueTooDeep), maximum);

    public static string ValueTooLarge(int maximum) => Format(nameof(ValueTooLarge), maximum);

    public static string VariableNameExpected => Get(nameof(VariableNameExpected));

    private static string Get(string name) =>
        Resources.GetString(name, CultureInfo.CurrentUICulture) ?? throw new MissingManifestResourceException(name);

    private static string Format(string name, params object[] arguments) =>
        string.Format(CultureInfo.InvariantCulture, Get(name), arguments);
}
