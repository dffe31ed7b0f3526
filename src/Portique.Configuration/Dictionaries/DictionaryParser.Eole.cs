using System.Xml.Linq;

namespace Portique.Configuration;

// EOLE compatibility (issue 11): the Creole DTD constructs that Portique loads and keeps although only
// EOLE's own machinery acts on them (containers of the old mode conteneur, packages, hosts, interfaces,
// service access rules...), and the open-ended fill/check functions of EOLE's eosfunc.
internal sealed partial class DictionaryParser
{
    private static readonly string[] ContainersChildren = ["container", "all"];
    private static readonly string[] ContainerAttributes = ["name", "id", "group"];

    private void ReadFilesSection(
        XElement section, string? container, List<FileDeclaration> files, List<ServiceDeclaration> services, List<MachineryDeclaration> machinery)
    {
        foreach (var child in Children(section, FilesChildren))
        {
            switch (child.Name.LocalName)
            {
                case "file":
                    AddIfNotNull(files, ReadFile(child, container));
                    break;
                case "service":
                    AddIfNotNull(services, ReadService(child, container));
                    break;
                default:
                    machinery.Add(KeepElement(child, container));
                    break;
            }
        }
    }

    /// <summary>
    /// <c>&lt;containers&gt;</c> (EOLE 2.3–2.6's mode conteneur): Portique runs as EOLE does with
    /// <c>mode_conteneur_actif=non</c>, every container being the host, so their files and services are the host's.
    /// </summary>
    private void ReadContainers(XElement section, List<FileDeclaration> files, List<ServiceDeclaration> services, List<MachineryDeclaration> machinery)
    {
        foreach (var container in Children(section, ContainersChildren))
        {
            string? name = null;
            if (container.Name.LocalName == "container")
            {
                var attributes = ReadAttributes(container, ContainerAttributes);
                name = Required(container, attributes, "name");
                machinery.Add(new MachineryDeclaration("container", name, "", attributes, Location(container)));
            }
            else
            {
                ReadAttributes(container, NoNames);
            }

            ReadFilesSection(container, name ?? "all", files, services, machinery);
        }
    }

    /// <summary>Keeps an EOLE machinery element with its attributes and text, and its children (port, ip, tcpwrapper...) as their own records.</summary>
    private MachineryDeclaration KeepElement(XElement element, string? container)
    {
        var attributes = element.Attributes()
            .Where(a => a.Name.Namespace == XNamespace.None)
            .GroupBy(a => a.Name.LocalName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Instantiate(g.First().Value), StringComparer.Ordinal);
        var text = string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
        return new MachineryDeclaration(element.Name.LocalName, container, Instantiate(text), attributes, Location(element))
        {
            Children = element.Elements().Select(child => KeepElement(child, container)).ToArray(),
        };
    }

    /// <summary>EOLE 2.7+'s <c>engine</c> of a file: <c>creole</c> (the default) or <c>none</c> (copied as is).</summary>
    private string? Engine(XElement element, Dictionary<string, string> attributes)
    {
        if (!attributes.TryGetValue("engine", out var engine) || engine is "creole" or "none")
        {
            return engine;
        }

        Error(element.Attribute("engine")!, Messages.FormatInvalidAttributeValue("engine", "file", Messages.Shown(engine), "creole, none"));
        return null;
    }

    private void ReadSeparators(XElement element, List<SeparatorDeclaration> separators)
    {
        ReadAttributes(element, NoNames);
        foreach (var separator in Children(element, SeparatorsChildren))
        {
            AddIfNotNull(separators, ReadSeparator(separator));
        }
    }

    /// <summary>Any check function other than valid_enum/valid_entier/obligatoire: <see cref="EoleChecks"/> enforces those it knows.</summary>
    private CheckDeclaration? ReadEoleCheck(XElement element, Dictionary<string, string> attributes, string function)
    {
        var target = Required(element, attributes, "target");
        var parameters = ReadParams(element, ParamChildren);
        if (!IsVariableName(function))
        {
            Error(element.Attribute("name")!, EoleMessages.FormatInvalidFunctionName(Messages.Shown(function)));
            return null;
        }

        if (target is null || parameters is null)
        {
            return null;
        }

        var location = Location(element);
        if (EoleChecks.ParamProblem(function, parameters) is { } problem)
        {
            Error(location, problem);
            return null;
        }

        return new CheckDeclaration(CheckKind.Eole, target, [], true, null, null, location)
        {
            Function = function,
            Params = parameters,
            WarningOnly = attributes.GetValueOrDefault("level") == "warning",
        };
    }

    /// <summary>Any fill function other than calc_val/concat/calc_multi_val: computed by <see cref="EoleFillFunctions"/> when it knows it.</summary>
    private FillDeclaration? ReadEoleFill(XElement element, Dictionary<string, string> attributes, string function, bool isAuto)
    {
        var target = Required(element, attributes, "target");
        var parameters = ReadParams(element, ParamChildren);
        if (!IsVariableName(function))
        {
            Error(element.Attribute("name")!, EoleMessages.FormatInvalidFunctionName(Messages.Shown(function)));
            return null;
        }

        return target is null || parameters is null
            ? null
            : new FillDeclaration(FillKind.Eole, target, parameters, Location(element)) { Function = function, IsAuto = isAuto };
    }

    /// <summary>The items of a <c>type='python'</c> (safe subset) or <c>type='number'</c> param; reports and returns null when refused.</summary>
    private IReadOnlyList<string?>? EvaluateParam(XElement element, ParamKind kind, string text)
    {
        switch (kind)
        {
            case ParamKind.Python:
                if (PythonLiteral.TryEvaluate(text, out var value))
                {
                    return PythonLiteral.Items(value);
                }

                Error(element, EoleMessages.FormatPythonUnsupported(Messages.Shown(text)));
                return null;
            case ParamKind.Number:
                if (VariableTypes.TryParseInteger(text, out _))
                {
                    return [text];
                }

                Error(element, EoleMessages.FormatParamNotNumber(Messages.Shown(text)));
                return null;
            default:
                return null;
        }
    }
}
