using System.Globalization;
using System.Resources;

namespace Portique.Configuration;

/// <summary>
/// Typed access to the localised messages of <c>Resources/Messages.resx</c> (French, the neutral language)
/// and <c>Resources/Messages.en.resx</c> (English), chosen by <see cref="CultureInfo.CurrentUICulture"/>.
/// Values typed by users are shown with control characters escaped and long texts shortened.
/// </summary>
internal static class Messages
{
    private const int MaxShownLength = 120;

    // The .resx files sit next to this class, so the SDK names their resources after it.
    internal static ResourceManager Resources { get; } = new(typeof(Messages));

    /// <summary>Every message key, to check that both languages define them all.</summary>
    internal static IReadOnlyList<string> Keys { get; } =
    [
        nameof(XmlMalformed),
        nameof(RootNotCreole),
        nameof(UnknownElement),
        nameof(UnknownAttribute),
        nameof(MissingAttribute),
        nameof(EmptyAttribute),
        nameof(InvalidAttributeValue),
        nameof(UnexpectedText),
        nameof(EmptyText),
        nameof(UnknownType),
        nameof(UnknownCheck),
        nameof(UnknownCondition),
        nameof(UnknownFill),
        nameof(InvalidVariableName),
        nameof(InvalidFileName),
        nameof(InvalidSource),
        nameof(InvalidFileMode),
        nameof(FileModeUnsafe),
        nameof(FileTargetSystemFolder),
        nameof(FileTargetOwned),
        nameof(InvalidAccount),
        nameof(InvalidServiceName),
        nameof(EnumListInvalid),
        nameof(InvalidParamValue),
        nameof(ParamNotInteger),
        nameof(ParamUnknown),
        nameof(ParamMissing),
        nameof(ParamDuplicate),
        nameof(ParamMustBeLiteral),
        nameof(RangeInverted),
        nameof(CalcValArity),
        nameof(ConditionWithoutTarget),
        nameof(GroupWithoutSlave),
        nameof(RepeatMaxInvalid),
        nameof(RepeatedNameWithoutToken),
        nameof(RepeatedFileWithoutToken),
        nameof(RepeatCountUndeclared),
        nameof(RepeatCountInRepeatedFile),
        nameof(RepeatCountNotNumber),
        nameof(DictionaryFolderMissing),
        nameof(DictionaryUnreadable),
        nameof(DuplicateVariable),
        nameof(RedefineUnknown),
        nameof(SeveralDefaultsForSingle),
        nameof(UnknownVariableReference),
        nameof(UnknownFamilyReference),
        nameof(ConditionTargetUnknown),
        nameof(HiddenConditionOnList),
        nameof(MasterIsSlave),
        nameof(SlaveIsMaster),
        nameof(SlaveInTwoGroups),
        nameof(SlaveInOtherFamily),
        nameof(FillTwice),
        nameof(FillOnRepeatCount),
        nameof(ConcatOfMulti),
        nameof(FillMultiIntoSingle),
        nameof(FillNeedsSingle),
        nameof(FillNeedsMulti),
        nameof(FillCycle),
        nameof(FillChainTooDeep),
        nameof(XmlTooDeep),
        nameof(ConfigEolInvalidJson),
        nameof(ConfigEolNotObject),
        nameof(ConfigEolValueNotScalar),
        nameof(ConfigEolNotUtf8),
        nameof(ConfigEolValueNotEntry),
        nameof(ConfigEolUnreadable),
        nameof(ConfigEolUnwritable),
        nameof(UnknownVariable),
        nameof(UnknownVariableKept),
        nameof(MultiValuesForSingle),
        nameof(Mandatory),
        nameof(MandatoryRow),
        nameof(AtRow),
        nameof(EnumNotAllowed),
        nameof(RangeNotInteger),
        nameof(RangeBetween),
        nameof(RangeAtLeast),
        nameof(RangeAtMost),
        nameof(SlaveLengthMismatch),
        nameof(RepeatCountOutOfRange),
        nameof(TypeNumber),
        nameof(TypeOuiNon),
        nameof(TypeOnOff),
        nameof(TypePort),
        nameof(TypeIp),
        nameof(TypeNetmask),
        nameof(TypeNetwork),
        nameof(TypeDomain),
        nameof(TypeHostname),
        nameof(TypeWebAddress),
        nameof(TypeUnixFilename),
        nameof(TypeMail),
        nameof(TypePassword),
        nameof(TypeServiceName),
        nameof(TypeAbsolutePath),
        nameof(PathNotAbsolute),
        nameof(PathControlCharacter),
        nameof(PathDoubleSlash),
        nameof(PathTrailingSlash),
        nameof(PathDotDot),
        nameof(PathDot),
        nameof(HostPathForbidden),
        nameof(HostPathUnder),
        nameof(TypeKeyValue),
        nameof(TypeServerNames),
        nameof(PathNginxSyntax),
        nameof(HostPathResolves),
    ];

    internal static string XmlMalformed(string detail) => Format(nameof(XmlMalformed), detail);

    internal static string XmlTooDeep(int max) => Format(nameof(XmlTooDeep), max);

    internal static string RootNotCreole(string name) => Format(nameof(RootNotCreole), name);

    internal static string UnknownElement(string element, string parent) => Format(nameof(UnknownElement), element, parent);

    internal static string UnknownAttribute(string attribute, string element) => Format(nameof(UnknownAttribute), attribute, element);

    internal static string MissingAttribute(string attribute, string element) => Format(nameof(MissingAttribute), attribute, element);

    internal static string EmptyAttribute(string attribute, string element) => Format(nameof(EmptyAttribute), attribute, element);

    internal static string InvalidAttributeValue(string attribute, string element, string value, string allowed) => Format(nameof(InvalidAttributeValue), attribute, element, Shown(value), allowed);

    internal static string UnexpectedText(string element) => Format(nameof(UnexpectedText), element);

    internal static string EmptyText(string element) => Format(nameof(EmptyText), element);

    internal static string UnknownType(string type, string variable, string allowed) => Format(nameof(UnknownType), Shown(type), variable, allowed);

    internal static string UnknownCheck(string name, string allowed) => Format(nameof(UnknownCheck), Shown(name), allowed);

    internal static string UnknownCondition(string name, string allowed) => Format(nameof(UnknownCondition), Shown(name), allowed);

    internal static string UnknownFill(string name, string allowed) => Format(nameof(UnknownFill), Shown(name), allowed);

    internal static string InvalidVariableName(string name) => Format(nameof(InvalidVariableName), Shown(name));

    internal static string InvalidFileName(string problem) => Format(nameof(InvalidFileName), problem);

    internal static string InvalidSource(string source) => Format(nameof(InvalidSource), Shown(source));

    internal static string InvalidFileMode(string value) => Format(nameof(InvalidFileMode), Shown(value));

    internal static string FileModeUnsafe(string value) => Format(nameof(FileModeUnsafe), Shown(value));

    internal static string FileTargetSystemFolder(string name) => Format(nameof(FileTargetSystemFolder), name);

    internal static string FileTargetOwned(string name) => Format(nameof(FileTargetOwned), name);

    internal static string InvalidAccount(string attribute, string value) => Format(nameof(InvalidAccount), attribute, Shown(value));

    internal static string InvalidServiceName(string name) => Format(nameof(InvalidServiceName), Shown(name));

    internal static string EnumListInvalid(string text) => Format(nameof(EnumListInvalid), Shown(text));

    internal static string InvalidParamValue(string param, string value, string allowed) => Format(nameof(InvalidParamValue), param, Shown(value), allowed);

    internal static string ParamNotInteger(string param, string value) => Format(nameof(ParamNotInteger), param, Shown(value));

    internal static string ParamUnknown(string param, string function) => Format(nameof(ParamUnknown), param, function);

    internal static string ParamMissing(string param, string function) => Format(nameof(ParamMissing), param, function);

    internal static string ParamDuplicate(string param, string function) => Format(nameof(ParamDuplicate), param, function);

    internal static string ParamMustBeLiteral(string function) => Format(nameof(ParamMustBeLiteral), function);

    internal static string RangeInverted(long minimum, long maximum) => Format(nameof(RangeInverted), minimum, maximum);

    internal static string CalcValArity(int count) => Format(nameof(CalcValArity), count);

    internal static string ConditionWithoutTarget() => Format(nameof(ConditionWithoutTarget));

    internal static string GroupWithoutSlave() => Format(nameof(GroupWithoutSlave));

    internal static string RepeatMaxInvalid(string value, int limit) => Format(nameof(RepeatMaxInvalid), Shown(value), limit);

    internal static string RepeatedNameWithoutToken(string name) => Format(nameof(RepeatedNameWithoutToken), name);

    internal static string RepeatedFileWithoutToken(string name) => Format(nameof(RepeatedFileWithoutToken), name);

    internal static string RepeatCountUndeclared(string variable) => Format(nameof(RepeatCountUndeclared), variable);

    internal static string RepeatCountInRepeatedFile(string variable) => Format(nameof(RepeatCountInRepeatedFile), variable);

    internal static string RepeatCountNotNumber(string variable, string type) => Format(nameof(RepeatCountNotNumber), variable, type);

    internal static string DictionaryFolderMissing() => Format(nameof(DictionaryFolderMissing));

    internal static string DictionaryUnreadable(string detail) => Format(nameof(DictionaryUnreadable), detail);

    internal static string DuplicateVariable(string name, string first) => Format(nameof(DuplicateVariable), name, first);

    internal static string RedefineUnknown(string name) => Format(nameof(RedefineUnknown), name);

    internal static string SeveralDefaultsForSingle(string name) => Format(nameof(SeveralDefaultsForSingle), name);

    internal static string UnknownVariableReference(string construct, string name) => Format(nameof(UnknownVariableReference), construct, name);

    internal static string UnknownFamilyReference(string construct, string name) => Format(nameof(UnknownFamilyReference), construct, name);

    internal static string ConditionTargetUnknown(string kind, string name) => Format(nameof(ConditionTargetUnknown), kind, name);

    internal static string HiddenConditionOnList(string kind) => Format(nameof(HiddenConditionOnList), kind);

    internal static string MasterIsSlave(string master, string other) => Format(nameof(MasterIsSlave), master, other);

    internal static string SlaveIsMaster(string name) => Format(nameof(SlaveIsMaster), name);

    internal static string SlaveInTwoGroups(string name, string master) => Format(nameof(SlaveInTwoGroups), name, master);

    internal static string SlaveInOtherFamily(string slave, string slaveFamily, string master, string masterFamily) => Format(nameof(SlaveInOtherFamily), slave, slaveFamily, master, masterFamily);

    internal static string FillTwice(string name, string first) => Format(nameof(FillTwice), name, first);

    internal static string FillOnRepeatCount(string name) => Format(nameof(FillOnRepeatCount), name);

    internal static string ConcatOfMulti(string name) => Format(nameof(ConcatOfMulti), name);

    internal static string FillMultiIntoSingle(string source, string target) => Format(nameof(FillMultiIntoSingle), source, target);

    internal static string FillNeedsSingle(string function, string target) => Format(nameof(FillNeedsSingle), function, target);

    internal static string FillNeedsMulti(string function, string target) => Format(nameof(FillNeedsMulti), function, target);

    internal static string FillCycle(string cycle) => Format(nameof(FillCycle), cycle);

    internal static string FillChainTooDeep(string name, int max) => Format(nameof(FillChainTooDeep), name, max);

    internal static string ConfigEolInvalidJson(string detail) => Format(nameof(ConfigEolInvalidJson), detail);

    internal static string ConfigEolNotObject() => Format(nameof(ConfigEolNotObject));

    internal static string ConfigEolValueNotScalar() => Format(nameof(ConfigEolValueNotScalar));

    internal static string ConfigEolNotUtf8(long offset) => Format(nameof(ConfigEolNotUtf8), offset);

    internal static string ConfigEolValueNotEntry() => Format(nameof(ConfigEolValueNotEntry));

    internal static string ConfigEolUnreadable(string path, string detail) => Format(nameof(ConfigEolUnreadable), path, detail);

    internal static string ConfigEolUnwritable(string path, string detail) => Format(nameof(ConfigEolUnwritable), path, detail);

    internal static string UnknownVariable() => Format(nameof(UnknownVariable));

    internal static string UnknownVariableKept() => Format(nameof(UnknownVariableKept));

    internal static string MultiValuesForSingle(int count) => Format(nameof(MultiValuesForSingle), count);

    internal static string Mandatory() => Format(nameof(Mandatory));

    internal static string MandatoryRow(int row) => Format(nameof(MandatoryRow), row);

    internal static string AtRow(int row, string message) => Format(nameof(AtRow), row, message);

    internal static string EnumNotAllowed(string value, string allowed) => Format(nameof(EnumNotAllowed), Shown(value), allowed);

    internal static string RangeNotInteger(string value) => Format(nameof(RangeNotInteger), Shown(value));

    internal static string RangeBetween(string value, long minimum, long maximum) => Format(nameof(RangeBetween), Shown(value), minimum, maximum);

    internal static string RangeAtLeast(string value, long minimum) => Format(nameof(RangeAtLeast), Shown(value), minimum);

    internal static string RangeAtMost(string value, long maximum) => Format(nameof(RangeAtMost), Shown(value), maximum);

    internal static string SlaveLengthMismatch(string slave, int slaveCount, string master, int masterCount) => Format(nameof(SlaveLengthMismatch), slave, slaveCount, master, masterCount);

    internal static string RepeatCountOutOfRange(long count, int maximum) => Format(nameof(RepeatCountOutOfRange), count, maximum);

    internal static string TypeNumber(string value) => Format(nameof(TypeNumber), Shown(value));

    internal static string TypeOuiNon(string value) => Format(nameof(TypeOuiNon), Shown(value));

    internal static string TypeOnOff(string value) => Format(nameof(TypeOnOff), Shown(value));

    internal static string TypePort(string value) => Format(nameof(TypePort), Shown(value));

    internal static string TypeIp(string value) => Format(nameof(TypeIp), Shown(value));

    internal static string TypeNetmask(string value) => Format(nameof(TypeNetmask), Shown(value));

    internal static string TypeNetwork(string value) => Format(nameof(TypeNetwork), Shown(value));

    internal static string TypeDomain(string value) => Format(nameof(TypeDomain), Shown(value));

    internal static string TypeHostname(string value) => Format(nameof(TypeHostname), Shown(value));

    internal static string TypeWebAddress(string value) => Format(nameof(TypeWebAddress), Shown(value));

    internal static string TypeUnixFilename(string value) => Format(nameof(TypeUnixFilename), Shown(value));

    internal static string TypeMail(string value) => Format(nameof(TypeMail), Shown(value));

    internal static string TypePassword() => Format(nameof(TypePassword));

    internal static string TypeServiceName(string value) => Format(nameof(TypeServiceName), Shown(value));

    internal static string TypeAbsolutePath(string value, string reason) => Format(nameof(TypeAbsolutePath), Shown(value), reason);

    internal static string PathNotAbsolute() => Format(nameof(PathNotAbsolute));

    internal static string PathControlCharacter() => Format(nameof(PathControlCharacter));

    internal static string PathDoubleSlash() => Format(nameof(PathDoubleSlash));

    internal static string PathTrailingSlash() => Format(nameof(PathTrailingSlash));

    internal static string PathDotDot() => Format(nameof(PathDotDot));

    internal static string PathDot() => Format(nameof(PathDot));

    internal static string HostPathForbidden(string value) => Format(nameof(HostPathForbidden), Shown(value));

    internal static string HostPathUnder(string value, string tree) => Format(nameof(HostPathUnder), Shown(value), tree);

    internal static string TypeKeyValue(string value) => Format(nameof(TypeKeyValue), Shown(value));

    internal static string TypeServerNames(string value) => Format(nameof(TypeServerNames), Shown(value));

    internal static string PathNginxSyntax() => Format(nameof(PathNginxSyntax));

    internal static string HostPathResolves(string value, string resolved, string tree) => Format(nameof(HostPathResolves), Shown(value), resolved, tree);

    internal static string Format(string key, params object[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var template = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"Message '{key}' is missing.");
        return string.Format(culture, template, arguments);
    }

    /// <summary>A user value made safe to print on one line of a terminal or a web page, cut after <paramref name="maxLength"/> characters.</summary>
    internal static string Shown(string value, int maxLength = MaxShownLength)
    {
        var builder = new System.Text.StringBuilder(Math.Min(value.Length, Math.Min(maxLength, 4096)) + 8);
        foreach (var character in value)
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(character switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(character) => $"\\u{(int)character:x4}",
                _ => character.ToString(),
            });
        }

        return builder.ToString();
    }
}
