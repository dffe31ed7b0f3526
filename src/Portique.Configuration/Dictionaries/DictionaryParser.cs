using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// Reads one Creole XML document into <see cref="DictionaryDeclarations"/>. Strict on purpose: an
/// unknown element, attribute or attribute value is an error at <c>file:line</c>, never ignored, because
/// a silently ignored constraint is a configuration that looks valid and is not.
/// Errors are collected (not thrown) so that one run reports every problem of every file.
/// </summary>
internal sealed partial class DictionaryParser
{
    /// <summary>The token a repeated file's text uses for its instance number.</summary>
    internal const string InstanceToken = "{N}";

    /// <summary>Repetition cap when <c>repeat_max</c> is not given.</summary>
    internal const int DefaultRepeatMax = 500;

    /// <summary>Highest <c>repeat_max</c> accepted: it bounds how many instances a config.eol can ask for.</summary>
    internal const int RepeatMaxLimit = 10_000;

    private static readonly string[] RootAttributes = ["repeat", "repeat_max"];
    private static readonly string[] RootChildren = ["containers", "files", "family_action", "variables", "constraints", "help", "separators"];
    private static readonly string[] FilesChildren =
        ["file", "service", "package", "service_access", "service_restriction", "host", "interface", "disknod", "fstab"];
    private static readonly string[] FileAttributes =
        ["name", "source", "mode", "owner", "group", "filelist", "rm", "mkdir", "del_comment", "instance_mode", "redefine", "templating",
         "engine", "included"];

    private static readonly string[] ServiceAttributes =
        ["filelist", "servicelist", "instance_mode", "method", "redefine", "in_container", "startlevel", "stoplevel", "pty", "disabled"];

    private static readonly string[] VariablesChildren = ["family", "separators"];
    private static readonly string[] FamilyAttributes = ["name", "description", "mode", "icon", "hidden"];
    private static readonly string[] FamilyChildren = ["variable", "separators"];
    private static readonly string[] VariableAttributes =
        ["name", "type", "description", "multi", "mandatory", "hidden", "mode", "redefine", "exists",
         "disabled", "auto_freeze", "auto_save", "remove_check", "remove_condition", "remove_fill", "submulti", "test"];

    private static readonly string[] VariableChildren = ["value"];
    private static readonly string[] SeparatorsChildren = ["separator"];
    private static readonly string[] NameAttribute = ["name"];
    private static readonly string[] SeparatorAttributes = ["name", "never_hidden"];
    private static readonly string[] HelpChildren = ["variable", "family"];
    private static readonly string[] ConstraintsChildren = ["check", "condition", "fill", "auto", "group"];
    private static readonly string[] CheckAttributes = ["name", "target", "level", "probe"];
    private static readonly string[] ParamChildren = ["param"];
    private static readonly string[] ParamAttributes = ["name", "type", "optional", "hidden"];
    private static readonly string[] ConditionAttributes = ["name", "source", "fallback"];
    private static readonly string[] ConditionChildren = ["param", "target"];
    private static readonly string[] TargetAttributes = ["type", "optional", "hidden"];
    private static readonly string[] FillAttributes = ["name", "target"];
    private static readonly string[] GroupAttributes = ["master"];
    private static readonly string[] GroupChildren = ["slave"];
    private static readonly string[] NoNames = [];

    private static readonly string[] Booleans = ["True", "False"];
    private static readonly string[] ModeNames = ["basique", "normal", "expert"];
    private static readonly string[] CheckNames = ["valid_enum", "valid_entier", "obligatoire"];
    private static readonly string[] ConditionNames =
        ["disabled_if_in", "disabled_if_not_in", "hidden_if_in", "hidden_if_not_in", "mandatory_if_in", "mandatory_if_not_in",
         "frozen_if_in", "frozen_if_not_in", "auto_frozen_if_in"];

    private static readonly string[] FillNames = ["calc_val", "concat", "calc_multi_val"];
    private static readonly string[] TargetTypes =
        ["variable", "family", "filelist", "servicelist", "interfacelist", "hostlist", "service_accesslist", "service_restrictionlist",
         "fstablist", "actionlist"];

    private static readonly string[] ParamTypes = ["string", "eole", "number", "python", "container", "context"];

    private readonly string _fileName;
    private readonly string? _instance;
    private readonly List<Diagnostic> _errors;

    private DictionaryParser(string fileName, int? instance, List<Diagnostic> errors)
    {
        this._fileName = fileName;
        this._instance = instance?.ToString(CultureInfo.InvariantCulture);
        this._errors = errors;
    }

    /// <summary>
    /// Parses a document. For a repeated file, <paramref name="instance"/> is the N that replaces every
    /// <c>{N}</c> of attribute values and texts; otherwise it is <see langword="null"/> and text is kept.
    /// </summary>
    public static DictionaryDeclarations Parse(XDocument document, string fileName, int? instance, List<Diagnostic> errors) =>
        new DictionaryParser(fileName, instance, errors).ParseRoot(document);

    /// <summary>Reads the root's repetition attributes, reporting their errors; <see langword="null"/> when not repeated.</summary>
    public static RepeatDeclaration? ReadRepeat(XDocument document, string fileName, List<Diagnostic> errors)
    {
        var root = document.Root;
        var repeat = root?.Attribute("repeat");
        var repeatMax = root?.Attribute("repeat_max");
        if (root is null || !IsNamed(root, "creole"))
        {
            return null;
        }

        var parser = new DictionaryParser(fileName, null, errors);
        if (repeat is null)
        {
            if (repeatMax is not null)
            {
                parser.Error(repeatMax, Messages.FormatMissingAttribute("repeat", "creole"));
            }

            return null;
        }

        // Even when invalid (reported), the file is read as repeated so that its {N} do not add errors.
        if (!VariableNameRegex().IsMatch(repeat.Value))
        {
            parser.Error(repeat, Messages.FormatInvalidVariableName(Messages.Shown(repeat.Value)));
        }

        var max = DefaultRepeatMax;
        if (repeatMax is not null
            && (!int.TryParse(repeatMax.Value, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > RepeatMaxLimit))
        {
            parser.Error(repeatMax, Messages.FormatRepeatMaxInvalid(Messages.Shown(repeatMax.Value), RepeatMaxLimit));
            max = DefaultRepeatMax;
        }

        return new RepeatDeclaration(repeat.Value, max, parser.Location(root));
    }

    /// <summary>Variable names of Creole: usable as a <c>%%name</c> in templates and a config.eol key.</summary>
    internal static bool IsVariableName(string name) => VariableNameRegex().IsMatch(name);

    private DictionaryDeclarations ParseRoot(XDocument document)
    {
        var families = new List<FamilyDeclaration>();
        var separators = new List<SeparatorDeclaration>();
        var help = new List<HelpDeclaration>();
        var files = new List<FileDeclaration>();
        var services = new List<ServiceDeclaration>();
        var checks = new List<CheckDeclaration>();
        var conditions = new List<ConditionDeclaration>();
        var fills = new List<FillDeclaration>();
        var groups = new List<GroupDeclaration>();
        var machinery = new List<MachineryDeclaration>();
        var result = new DictionaryDeclarations(families, separators, help, files, services, checks, conditions, fills, groups, machinery);

        var root = document.Root;
        if (root is null)
        {
            return result;
        }

        if (!IsNamed(root, "creole"))
        {
            Error(root, Messages.FormatRootNotCreole(root.Name.ToString()));
            return result;
        }

        // Root attributes are read by ReadRepeat; here only their names are checked.
        ReadAttributes(root, RootAttributes, raw: true);
        foreach (var section in Children(root, RootChildren))
        {
            if (section.Name.LocalName != "family_action")
            {
                ReadAttributes(section, NoNames);
            }

            switch (section.Name.LocalName)
            {
                case "files":
                    ReadFilesSection(section, null, files, services, machinery);
                    break;
                case "containers":
                    ReadContainers(section, files, services, machinery);
                    break;
                case "family_action":
                    machinery.Add(KeepElement(section, null));
                    break;
                case "separators":
                    ReadSeparators(section, separators);
                    break;
                case "variables":
                    foreach (var child in Children(section, VariablesChildren))
                    {
                        if (child.Name.LocalName == "family")
                        {
                            AddIfNotNull(families, ReadFamily(child, separators));
                        }
                        else
                        {
                            ReadSeparators(child, separators);
                        }
                    }

                    break;
                case "constraints":
                    foreach (var child in Children(section, ConstraintsChildren))
                    {
                        switch (child.Name.LocalName)
                        {
                            case "check":
                                AddIfNotNull(checks, ReadCheck(child));
                                break;
                            case "condition":
                                AddIfNotNull(conditions, ReadCondition(child));
                                break;
                            case "fill" or "auto":
                                AddIfNotNull(fills, ReadFill(child));
                                break;
                            default:
                                AddIfNotNull(groups, ReadGroup(child));
                                break;
                        }
                    }

                    break;
                default:
                    foreach (var child in Children(section, HelpChildren))
                    {
                        AddIfNotNull(help, ReadHelp(child));
                    }

                    break;
            }
        }

        return result;
    }

    private FileDeclaration? ReadFile(XElement element, string? container)
    {
        var attributes = ReadAttributes(element, FileAttributes);
        NoContent(element);
        var name = Required(element, attributes, "name");
        var remove = Boolean(element, attributes, "rm") ?? false;
        var makeDirectory = Boolean(element, attributes, "mkdir") ?? false;
        UnixFileMode? mode = null;
        if (attributes.TryGetValue("mode", out var modeText))
        {
            if (FileModeRegex().IsMatch(modeText))
            {
                mode = (UnixFileMode)Convert.ToInt32(modeText, 8);
                if (FileTargets.IsUnsafe(mode.Value))
                {
                    Error(element.Attribute("mode")!, Messages.FormatFileModeUnsafe(Messages.Shown(modeText)));
                }
            }
            else
            {
                Error(element.Attribute("mode")!, Messages.FormatInvalidFileMode(Messages.Shown(modeText)));
            }
        }

        var owner = Account(element, attributes, "owner");
        var group = Account(element, attributes, "group");
        var fileList = attributes.GetValueOrDefault("filelist");
        if (name is null)
        {
            return null;
        }

        var problem = VariableTypes.Validate(VariableType.AbsolutePath, name) ?? FileTargets.Problem(name);
        if (problem is not null)
        {
            Error(element.Attribute("name")!, Messages.FormatInvalidFileName(problem));
            return null;
        }

        // The source as written is what a repeated file's template is called: one template for all N.
        var rawSource = element.Attribute("source")?.Value ?? BaseName(element.Attribute("name")!.Value);
        var source = attributes.TryGetValue("source", out var explicitSource) ? explicitSource : BaseName(name);
        if (source.Length == 0 || source is "." or ".." || source.Contains('/', StringComparison.Ordinal) || source.Any(char.IsControl))
        {
            Error(element.Attribute("source") ?? (XObject)element, Messages.FormatInvalidSource(Messages.Shown(source)));
            return null;
        }

        return new FileDeclaration(name, source, rawSource, mode, owner, group, fileList, remove, makeDirectory, Location(element))
        {
            Templating = (Boolean(element, attributes, "templating") ?? true) && Engine(element, attributes) != "none",
            Redefine = Boolean(element, attributes, "redefine") ?? false,
            InstanceMode = attributes.GetValueOrDefault("instance_mode"),
            Container = container,
        };
    }

    private ServiceDeclaration? ReadService(XElement element, string? container)
    {
        var attributes = ReadAttributes(element, ServiceAttributes);
        var name = Text(element);
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            Error(element, Messages.FormatInvalidServiceName(Messages.Shown(name)));
            return null;
        }

        return new ServiceDeclaration(name, attributes.GetValueOrDefault("filelist"), attributes.GetValueOrDefault("servicelist"), Location(element))
        {
            Attributes = attributes,
            Container = container,
        };
    }

    private FamilyDeclaration? ReadFamily(XElement element, List<SeparatorDeclaration> separators)
    {
        var attributes = ReadAttributes(element, FamilyAttributes);
        var name = Required(element, attributes, "name");
        var mode = ReadMode(element, attributes);
        var hidden = Boolean(element, attributes, "hidden");
        var variables = new List<VariableDeclaration>();
        foreach (var child in Children(element, FamilyChildren))
        {
            if (child.Name.LocalName == "separators")
            {
                ReadSeparators(child, separators);
            }
            else
            {
                AddIfNotNull(variables, ReadVariable(child));
            }
        }

        if (name is not null && string.IsNullOrWhiteSpace(name))
        {
            Error(element, Messages.FormatEmptyAttribute("name", "family"));
            return null;
        }

        return name is null ? null : new FamilyDeclaration(name, mode, attributes.GetValueOrDefault("icon"), hidden, variables, Location(element));
    }

    private VariableDeclaration? ReadVariable(XElement element)
    {
        var attributes = ReadAttributes(element, VariableAttributes);
        var name = Required(element, attributes, "name");
        VariableType? type = null;
        if (attributes.TryGetValue("type", out var typeName))
        {
            if (VariableTypes.TryParse(typeName, out var parsed))
            {
                type = parsed;
            }
            else
            {
                Error(element.Attribute("type")!, Messages.FormatUnknownType(Messages.Shown(typeName), name ?? "?", string.Join(", ", VariableTypes.Names)));
            }
        }

        // EOLE's submulti='True' (a list of lists) is a multi variable.
        var multi = Boolean(element, attributes, "submulti") == true ? true : Boolean(element, attributes, "multi");
        var mandatory = Boolean(element, attributes, "mandatory");
        var hidden = Boolean(element, attributes, "hidden");
        var mode = ReadMode(element, attributes);
        var redefine = Boolean(element, attributes, "redefine") ?? false;
        var exists = Boolean(element, attributes, "exists") ?? true;
        List<string>? values = null;
        foreach (var value in Children(element, VariableChildren))
        {
            ReadAttributes(value, NoNames);
            values ??= [];
            values.Add(Text(value));
        }

        if (name is null)
        {
            return null;
        }

        if (!IsVariableName(name))
        {
            Error(element.Attribute("name")!, Messages.FormatInvalidVariableName(Messages.Shown(name)));
            return null;
        }

        return new VariableDeclaration(
            name, type, attributes.GetValueOrDefault("description"), multi, mandatory, hidden, mode, redefine, exists, values, Location(element))
        {
            RemoveCheck = Boolean(element, attributes, "remove_check") ?? false,
            RemoveCondition = Boolean(element, attributes, "remove_condition") ?? false,
            RemoveFill = Boolean(element, attributes, "remove_fill") ?? false,
            Disabled = Boolean(element, attributes, "disabled"),
        };
    }

    private SeparatorDeclaration? ReadSeparator(XElement element)
    {
        var attributes = ReadAttributes(element, SeparatorAttributes);
        var name = Required(element, attributes, "name");
        var text = Text(element);
        return name is null ? null : new SeparatorDeclaration(name, text, Location(element));
    }

    private HelpDeclaration? ReadHelp(XElement element)
    {
        var attributes = ReadAttributes(element, NameAttribute);
        var name = Required(element, attributes, "name");
        var text = Text(element);
        return name is null ? null : new HelpDeclaration(element.Name.LocalName == "family", name, text, Location(element));
    }

    private CheckDeclaration? ReadCheck(XElement element)
    {
        var attributes = ReadAttributes(element, CheckAttributes);
        if (attributes.TryGetValue("name", out var function)
            && (!CheckNames.Contains(function, StringComparer.Ordinal)
                || (function is "valid_enum" or "valid_entier" && element.Elements("param").Any(p => p.Attribute("type")?.Value == "eole"))))
        {
            // EOLE's other checks, and valid_enum/valid_entier reading another variable (a dynamic list, a bound).
            return ReadEoleCheck(element, attributes, function);
        }

        var kind = Function(element, attributes, CheckNames, Messages.FormatUnknownCheck);
        var target = Required(element, attributes, "target");
        var parameters = ReadParams(element, ParamChildren);
        if (kind is null || target is null || parameters is null)
        {
            return null;
        }

        var checkName = CheckNames[kind.Value];
        var enumValues = (IReadOnlyList<string>)[];
        var enumIsClosed = true;
        long? minimum = null;
        long? maximum = null;
        var valid = true;
        var sawList = false;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in parameters)
        {
            if (param.IsVariable)
            {
                Error(param.Location, Messages.FormatParamMustBeLiteral(checkName));
                valid = false;
                continue;
            }

            if (param.Name is not null && !names.Add(param.Name))
            {
                Error(param.Location, Messages.FormatParamDuplicate(param.Name, checkName));
                valid = false;
                continue;
            }

            switch ((CheckKind)kind.Value, param.Name)
            {
                case (CheckKind.ValidEnum, null) when sawList:
                    Error(param.Location, Messages.FormatParamDuplicate("[...]", checkName));
                    valid = false;
                    break;
                case (CheckKind.ValidEnum, null):
                    sawList = true;
                    if (PythonListLiteral.TryParse(param.Text, out var list))
                    {
                        enumValues = list;
                    }
                    else
                    {
                        Error(param.Location, Messages.FormatEnumListInvalid(Messages.Shown(param.Text)));
                        valid = false;
                    }

                    break;
                case (CheckKind.ValidEnum, "checkval"):
                    if (TryParseBoolean(param.Text, out var checkval))
                    {
                        enumIsClosed = checkval;
                    }
                    else
                    {
                        Error(param.Location, Messages.FormatInvalidParamValue("checkval", Messages.Shown(param.Text), string.Join(", ", Booleans)));
                        valid = false;
                    }

                    break;
                case (CheckKind.ValidEntier, "mini" or "maxi"):
                    if (VariableTypes.TryParseInteger(param.Text, out var bound))
                    {
                        if (param.Name == "mini")
                        {
                            minimum = bound;
                        }
                        else
                        {
                            maximum = bound;
                        }
                    }
                    else
                    {
                        Error(param.Location, Messages.FormatParamNotInteger(param.Name, Messages.Shown(param.Text)));
                        valid = false;
                    }

                    break;
                default:
                    Error(param.Location, Messages.FormatParamUnknown(param.Name ?? "", checkName));
                    valid = false;
                    break;
            }
        }

        var location = Location(element);
        switch ((CheckKind)kind.Value)
        {
            case CheckKind.ValidEnum when !parameters.Any(p => p.Name is null):
                Error(location, Messages.FormatParamMissing("[...]", checkName));
                valid = false;
                break;
            case CheckKind.ValidEntier when minimum is null && maximum is null && valid:
                Error(location, Messages.FormatParamMissing("mini/maxi", checkName));
                valid = false;
                break;
            case CheckKind.ValidEntier when minimum > maximum:
                Error(location, Messages.FormatRangeInverted(minimum.Value, maximum!.Value));
                valid = false;
                break;
        }

        return valid
            ? new CheckDeclaration((CheckKind)kind.Value, target, enumValues, enumIsClosed, minimum, maximum, location)
            {
                Function = checkName,
                WarningOnly = attributes.GetValueOrDefault("level") == "warning",
            }
            : null;
    }

    private ConditionDeclaration? ReadCondition(XElement element)
    {
        var attributes = ReadAttributes(element, ConditionAttributes);
        var kind = Function(element, attributes, ConditionNames, Messages.FormatUnknownCondition);
        var source = Required(element, attributes, "source");
        var values = new List<string>();
        var targets = new List<TargetDeclaration>();
        var valid = true;
        foreach (var child in Children(element, ConditionChildren))
        {
            if (child.Name.LocalName == "param")
            {
                var param = ReadParam(child);
                if (param is null)
                {
                    valid = false;
                }
                else if (param.IsVariable || param.Name is not null)
                {
                    var conditionName = attributes.GetValueOrDefault("name") ?? "condition";
                    Error(param.Location, param.IsVariable
                        ? Messages.FormatParamMustBeLiteral(conditionName)
                        : Messages.FormatParamUnknown(param.Name!, conditionName));
                    valid = false;
                }
                else if (param.Items is { } items)
                {
                    values.AddRange(items.Select(i => i ?? ""));
                }
                else
                {
                    values.Add(param.Text);
                }
            }
            else
            {
                var target = ReadTarget(child);
                if (target is null)
                {
                    valid = false;
                }
                else
                {
                    targets.Add(target);
                }
            }
        }

        if (targets.Count == 0 && valid)
        {
            Error(element, Messages.ConditionWithoutTarget);
            valid = false;
        }

        return valid && kind is not null && source is not null
            ? new ConditionDeclaration((ConditionKind)kind.Value, source, values, targets, Location(element))
            {
                Fallback = Boolean(element, attributes, "fallback") ?? false,
            }
            : null;
    }

    private TargetDeclaration? ReadTarget(XElement element)
    {
        var attributes = ReadAttributes(element, TargetAttributes);
        var kind = TargetKind.Variable;
        if (attributes.TryGetValue("type", out var type))
        {
            var index = Array.IndexOf(TargetTypes, type);
            if (index < 0)
            {
                Error(element.Attribute("type")!, Messages.FormatInvalidAttributeValue("type", "target", Messages.Shown(type), string.Join(", ", TargetTypes)));
                return null;
            }

            kind = (TargetKind)index;
        }

        var optional = Boolean(element, attributes, "optional") ?? false;
        var name = Text(element);
        if (name.Length == 0)
        {
            Error(element, Messages.FormatEmptyText("target"));
            return null;
        }

        return new TargetDeclaration(kind, name, optional, Location(element));
    }

    private FillDeclaration? ReadFill(XElement element)
    {
        var attributes = ReadAttributes(element, FillAttributes);
        var isAuto = element.Name.LocalName == "auto";
        if (attributes.TryGetValue("name", out var function) && !FillNames.Contains(function, StringComparer.Ordinal))
        {
            return ReadEoleFill(element, attributes, function, isAuto);
        }

        var kind = Function(element, attributes, FillNames, Messages.FormatUnknownFill);
        var target = Required(element, attributes, "target");
        var parameters = ReadParams(element, ParamChildren);
        if (kind is null || target is null || parameters is null)
        {
            return null;
        }

        var fillName = FillNames[kind.Value];
        var valueParams = parameters.Where(p => !((FillKind)kind.Value == FillKind.CalcMultiVal && p.Name == "allow_none")).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in parameters.Where(p => p.Name is not null))
        {
            if (!names.Add(param.Name!))
            {
                Error(param.Location, Messages.FormatParamDuplicate(param.Name!, fillName));
                return null;
            }
        }

        foreach (var option in parameters.Except(valueParams))
        {
            if (option.IsVariable || !TryParseBoolean(option.Text, out _))
            {
                Error(option.Location, Messages.FormatInvalidParamValue(option.Name!, Messages.Shown(option.Text), string.Join(", ", Booleans)));
                return null;
            }
        }

        var location = Location(element);
        if (valueParams.Count == 0 || ((FillKind)kind.Value == FillKind.CalcVal && valueParams.Count != 1))
        {
            Error(location, (FillKind)kind.Value == FillKind.CalcVal ? Messages.FormatCalcValArity(valueParams.Count) : Messages.FormatParamMissing("param", fillName));
            return null;
        }

        return new FillDeclaration((FillKind)kind.Value, target, parameters, location) { Function = fillName, IsAuto = isAuto };
    }

    private GroupDeclaration? ReadGroup(XElement element)
    {
        var attributes = ReadAttributes(element, GroupAttributes);
        var master = Required(element, attributes, "master");
        var slaves = new List<(string, SourceLocation)>();
        foreach (var slave in Children(element, GroupChildren))
        {
            ReadAttributes(slave, NoNames);
            var name = Text(slave);
            if (name.Length == 0)
            {
                Error(slave, Messages.FormatEmptyText("slave"));
            }
            else
            {
                slaves.Add((name, Location(slave)));
            }
        }

        if (slaves.Count == 0)
        {
            Error(element, Messages.GroupWithoutSlave);
            return null;
        }

        return master is null ? null : new GroupDeclaration(master, slaves, Location(element));
    }

    /// <summary>Reads the params; <see langword="null"/> when one is invalid (already reported), to avoid cascading errors.</summary>
    private List<ParamDeclaration>? ReadParams(XElement element, string[] allowedChildren)
    {
        var parameters = new List<ParamDeclaration>();
        var valid = true;
        foreach (var child in Children(element, allowedChildren))
        {
            var param = ReadParam(child);
            valid &= param is not null;
            AddIfNotNull(parameters, param);
        }

        return valid ? parameters : null;
    }

    private ParamDeclaration? ReadParam(XElement element)
    {
        var attributes = ReadAttributes(element, ParamAttributes);
        var kind = ParamKind.String;
        if (attributes.TryGetValue("type", out var type))
        {
            var index = Array.IndexOf(ParamTypes, type);
            if (index < 0)
            {
                Error(element.Attribute("type")!, Messages.FormatInvalidAttributeValue("type", "param", Messages.Shown(type), string.Join(", ", ParamTypes)));
                return null;
            }

            kind = (ParamKind)index;
        }

        var isVariable = kind == ParamKind.Eole;
        var optional = Boolean(element, attributes, "optional") ?? false;
        _ = Boolean(element, attributes, "hidden");
        var text = Text(element);
        if (isVariable && text.Length == 0)
        {
            Error(element, Messages.FormatEmptyText("param"));
            return null;
        }

        var items = EvaluateParam(element, kind, text);
        if (kind is ParamKind.Python or ParamKind.Number && items is null)
        {
            return null;
        }

        return new ParamDeclaration(attributes.GetValueOrDefault("name"), isVariable, optional, text, Location(element))
        {
            Kind = kind,
            Items = items,
        };
    }

    private DisplayMode? ReadMode(XElement element, Dictionary<string, string> attributes)
    {
        if (!attributes.TryGetValue("mode", out var value))
        {
            return null;
        }

        var index = value == "basic" ? (int)DisplayMode.Basic : Array.IndexOf(ModeNames, value);
        if (index < 0)
        {
            Error(element.Attribute("mode")!, Messages.FormatInvalidAttributeValue("mode", element.Name.LocalName, Messages.Shown(value), string.Join(", ", ModeNames)));
            return null;
        }

        return (DisplayMode)index;
    }

    private int? Function(XElement element, Dictionary<string, string> attributes, string[] names, Func<string, string, string> unknown)
    {
        var name = Required(element, attributes, "name");
        if (name is null)
        {
            return null;
        }

        var index = Array.IndexOf(names, name);
        if (index < 0)
        {
            Error(element.Attribute("name")!, unknown(name, string.Join(", ", names)));
            return null;
        }

        return index;
    }

    private string? Account(XElement element, Dictionary<string, string> attributes, string attribute)
    {
        if (!attributes.TryGetValue(attribute, out var value))
        {
            return null;
        }

        if (!AccountRegex().IsMatch(value))
        {
            Error(element.Attribute(attribute)!, Messages.FormatInvalidAccount(attribute, Messages.Shown(value)));
            return null;
        }

        return value;
    }

    private bool? Boolean(XElement element, Dictionary<string, string> attributes, string attribute)
    {
        if (!attributes.TryGetValue(attribute, out var value))
        {
            return null;
        }

        if (TryParseBoolean(value, out var result))
        {
            return result;
        }

        Error(element.Attribute(attribute)!, Messages.FormatInvalidAttributeValue(attribute, element.Name.LocalName, Messages.Shown(value), string.Join(", ", Booleans)));
        return null;
    }

    internal static bool TryParseBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "True" or "true":
                value = true;
                return true;
            case "False" or "false":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private string? Required(XElement element, Dictionary<string, string> attributes, string attribute)
    {
        if (attributes.TryGetValue(attribute, out var value))
        {
            return value;
        }

        Error(element, Messages.FormatMissingAttribute(attribute, element.Name.LocalName));
        return null;
    }

    /// <summary>Checks attribute names and returns the values, instantiated unless <paramref name="raw"/>.</summary>
    private Dictionary<string, string> ReadAttributes(XElement element, string[] allowed, bool raw = false)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in element.Attributes())
        {
            var name = attribute.Name;
            if (name.Namespace != XNamespace.None || !allowed.Contains(name.LocalName, StringComparer.Ordinal))
            {
                Error(attribute, Messages.FormatUnknownAttribute(name.ToString(), element.Name.ToString()));
                continue;
            }

            values[name.LocalName] = raw ? attribute.Value : Instantiate(attribute.Value);
        }

        return values;
    }

    /// <summary>Child elements with an allowed name; reports the others and any stray text.</summary>
    private List<XElement> Children(XElement element, string[] allowed)
    {
        var children = new List<XElement>();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XElement child when child.Name.Namespace == XNamespace.None && allowed.Contains(child.Name.LocalName, StringComparer.Ordinal):
                    children.Add(child);
                    break;
                case XElement child:
                    Error(child, Messages.FormatUnknownElement(child.Name.ToString(), element.Name.ToString()));
                    break;
                case XText text when !string.IsNullOrWhiteSpace(text.Value):
                    Error(text, Messages.FormatUnexpectedText(element.Name.ToString()));
                    break;
            }
        }

        return children;
    }

    /// <summary>The trimmed, instantiated text of a leaf element; reports child elements.</summary>
    private string Text(XElement element)
    {
        // The usual case, one text node: no copy (a repeated dictionary is read once per instance).
        if (element.FirstNode is XText only && only.NextNode is null)
        {
            return Instantiate(only.Value.Trim());
        }

        var text = new System.Text.StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText part:
                    text.Append(part.Value);
                    break;
                case XElement child:
                    Error(child, Messages.FormatUnknownElement(child.Name.ToString(), element.Name.ToString()));
                    break;
            }
        }

        return Instantiate(text.ToString().Trim());
    }

    private void NoContent(XElement element) => Children(element, NoNames);

    private string Instantiate(string text) =>
        _instance is null ? text : text.Replace(InstanceToken, _instance, StringComparison.Ordinal);

    private static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static bool IsNamed(XElement element, string name) =>
        element.Name.Namespace == XNamespace.None && element.Name.LocalName == name;

    private SourceLocation Location(XObject node) =>
        new(_fileName, node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0);

    private void Error(XObject node, string message) => Error(Location(node), message);

    private void Error(SourceLocation location, string message) => _errors.Add(new Diagnostic(location.ToString(), message));

    private static void AddIfNotNull<T>(List<T> list, T? item)
        where T : class
    {
        if (item is not null)
        {
            list.Add(item);
        }
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex VariableNameRegex();

    [GeneratedRegex(@"^0?[0-7]{3,4}\z")]
    private static partial Regex FileModeRegex();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?\z")]
    private static partial Regex AccountRegex();
}
