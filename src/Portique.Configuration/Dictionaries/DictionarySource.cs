using System.Xml;
using System.Xml.Linq;
using Portique.Core;

namespace Portique.Configuration;

/// <summary>
/// The dictionaries of a folder, parsed and checked, before any config.eol is applied. Repeated files
/// are kept as written: <see cref="EvaluatedConfiguration.Evaluate"/> instantiates them for a given
/// config.eol, since the number of instances is a value.
/// </summary>
public sealed class DictionarySource
{
    private static readonly EnumerationOptions XmlFilesOnly = new()
    {
        MatchCasing = MatchCasing.CaseSensitive,
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
    };

    private DictionarySource(IReadOnlyList<LoadedDictionary> files, IReadOnlyDictionary<string, IReadOnlyList<string>> countDefaults)
    {
        Files = files;
        CountDefaults = countDefaults;
        FileNames = files.Select(f => f.FileName).ToArray();
        Repetitions = files.Where(f => f.Repeat is not null)
            .Select(f => new Repetition(f.FileName, f.Repeat!.CountVariable, f.Repeat.Max))
            .ToArray();
    }

    /// <summary>What EOLE's host-reading fills (<c>auto_eth</c>...) read; null: they give no value.</summary>
    public IEoleHost? Host { get; private init; }

    /// <summary>The same dictionaries, whose host-reading fills read <paramref name="host"/>.</summary>
    public DictionarySource WithHost(IEoleHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new DictionarySource(Files, CountDefaults) { Host = host };
    }

    /// <summary>The dictionary file names, in load (ordinal) order.</summary>
    public IReadOnlyList<string> FileNames { get; }

    /// <summary>The repeated files, in load order.</summary>
    public IReadOnlyList<Repetition> Repetitions { get; }

    internal IReadOnlyList<LoadedDictionary> Files { get; }

    /// <summary>Each count variable's default values, used when config.eol has no value for it.</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<string>> CountDefaults { get; }

    /// <summary>
    /// Loads every <c>*.xml</c> of <paramref name="folder"/> in ordinal file-name order.
    /// </summary>
    /// <exception cref="DictionaryException">Every problem of every file, each at <c>file:line</c>.</exception>
    public static DictionarySource Load(string folder) => Load([folder]);

    /// <summary>
    /// Loads every <c>*.xml</c> of several folders (EOLE's and Portique's own) as one set, in ordinal file-name
    /// order across the folders, as if they were one folder: a file name present in two folders is an error.
    /// </summary>
    /// <exception cref="DictionaryException">Every problem of every file, each at <c>file:line</c>.</exception>
    public static DictionarySource Load(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var paths = new List<string>();
        foreach (var folder in folders)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(folder);
            if (!Directory.Exists(folder))
            {
                throw new DictionaryException([new Diagnostic(folder, Messages.DictionaryFolderMissing)]);
            }

            paths.AddRange(Directory.EnumerateFiles(folder, "*.xml", XmlFilesOnly));
        }

        var texts = new List<KeyValuePair<string, byte[]>>();
        var errors = new List<Diagnostic>();
        foreach (var duplicate in paths.GroupBy(p => Path.GetFileName(p), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(new Diagnostic(duplicate.Key, EoleMessages.FormatDictionaryInTwoFolders(string.Join(", ", duplicate))));
        }

        foreach (var path in paths.DistinctBy(p => Path.GetFileName(p), StringComparer.Ordinal).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal))
        {
            var fileName = Path.GetFileName(path);
            try
            {
                texts.Add(new(fileName, File.ReadAllBytes(path)));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add(new Diagnostic(fileName, Messages.FormatDictionaryUnreadable(exception.Message)));
            }
        }

        return FromBytes(texts, errors);
    }

    /// <summary>
    /// Parses dictionaries given in memory as (file name, XML text), in the order given: what
    /// <see cref="Load"/> does after reading the folder. Useful to tests and previews.
    /// </summary>
    /// <exception cref="DictionaryException">Every problem of every file, each at <c>file:line</c>.</exception>
    public static DictionarySource Parse(IEnumerable<KeyValuePair<string, string>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return FromBytes(files.Select(f => new KeyValuePair<string, byte[]>(f.Key, System.Text.Encoding.UTF8.GetBytes(f.Value))).ToList(), []);
    }

    /// <summary>Whether <paramref name="name"/> is a variable of some instance N (1..Max) of a repeated file.</summary>
    internal bool IsRepeatedVariableName(string name) =>
        Files.Any(f => f.Repeat is not null
            && f.RepeatedNames!.Variables.Any(p => p.InstanceOf(name) is { } n && n <= f.Repeat.Max));

    private static DictionarySource FromBytes(List<KeyValuePair<string, byte[]>> texts, List<Diagnostic> errors)
    {
        var loaded = new List<LoadedDictionary>();
        var wellFormed = true;
        foreach (var (fileName, bytes) in texts)
        {
            var document = ReadXml(fileName, bytes, errors);
            if (document is null)
            {
                wellFormed = false;
                continue;
            }

            var before = errors.Count;
            var repeat = DictionaryParser.ReadRepeat(document, fileName, errors);
            // Structure is checked once per file; a repeated file is checked as its instance 1.
            var parseErrors = new List<Diagnostic>();
            DictionaryParser.Parse(document, fileName, repeat is null ? null : 1, parseErrors);
            loaded.Add(new LoadedDictionary(fileName, document, repeat, repeat is null ? null : CollectRepeatedNames(document, fileName, errors)));

            // A broken repetition would make every instance collide: merging would only add knock-on errors.
            wellFormed &= errors.Count == before;
            errors.AddRange(parseErrors);
        }

        // Every error in one pass: the merge checks run even when some constructs were refused, unless a
        // whole file is unreadable (its absence would only add knock-on "unknown variable" errors).
        if (!wellFormed)
        {
            throw new DictionaryException(errors);
        }

        var structureErrors = errors.Count;
        var countDefaults = CheckCountVariables(loaded, errors);
        if (errors.Count > structureErrors)
        {
            throw new DictionaryException(errors.Distinct().ToList());
        }

        var source = new DictionarySource(loaded, countDefaults);

        // References between files, duplicates and redefines only show once files are merged:
        // merge now with two instances of each repeated file, so that mistakes surface at load.
        var probe = source.Repetitions.Select(r => new RepetitionState(r, Math.Min(2, r.Max), Math.Min(2, r.Max))).ToArray();
        SchemaBuilder.Build(source, probe, errors);
        if (errors.Count > 0)
        {
            throw new DictionaryException(errors.Distinct().ToList());
        }

        return source;
    }

    /// <summary>The deepest element nesting a dictionary may have (Creole's own go 5 levels deep).</summary>
    internal const int MaxXmlDepth = 32;

    private static XDocument? ReadXml(string fileName, byte[] bytes, List<Diagnostic> errors)
    {
        var settings = new XmlReaderSettings
        {
            // No DTD: no entity expansion bombs, no external fetches.
            // EOLE's dictionaries may start with <!DOCTYPE creole SYSTEM "creole.dtd">: the DTD is ignored, never read.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
        };
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using (var scan = XmlReader.Create(stream, settings))
            {
                // A dictionary nests a handful of levels; a deep one is refused before building a tree (which is slow and recursive).
                while (scan.Read())
                {
                    if (scan.Depth > MaxXmlDepth)
                    {
                        errors.Add(new Diagnostic($"{fileName}:{((IXmlLineInfo)scan).LineNumber}", Messages.FormatXmlTooDeep(MaxXmlDepth)));
                        return null;
                    }
                }
            }

            stream.Position = 0;
            using var reader = XmlReader.Create(stream, settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException exception)
        {
            errors.Add(new Diagnostic($"{fileName}:{exception.LineNumber}", Messages.FormatXmlMalformed(exception.Message)));
        }
        catch (Exception exception) when (exception is System.Text.DecoderFallbackException or ArgumentException or InvalidOperationException)
        {
            errors.Add(new Diagnostic($"{fileName}:0", Messages.FormatXmlMalformed(exception.Message)));
        }

        return null;
    }

    private static RepeatedNames CollectRepeatedNames(XDocument document, string fileName, List<Diagnostic> errors)
    {
        var variables = new List<InstanceNamePattern>();
        var families = new List<InstanceNamePattern>();
        var fileLists = new List<InstanceNamePattern>();
        var serviceLists = new List<InstanceNamePattern>();
        var root = document.Root!;
        foreach (var family in root.Elements("variables").Elements("family"))
        {
            var familyName = family.Attribute("name")?.Value ?? "";
            if (familyName.Contains(DictionaryParser.InstanceToken, StringComparison.Ordinal))
            {
                families.Add(new InstanceNamePattern(familyName));
            }

            foreach (var variable in family.Elements("variable"))
            {
                var name = variable.Attribute("name")?.Value ?? "";
                var redefine = DictionaryParser.TryParseBoolean(variable.Attribute("redefine")?.Value ?? "", out var isRedefine) && isRedefine;
                var onlyIfAbsent = DictionaryParser.TryParseBoolean(variable.Attribute("exists")?.Value ?? "", out var exists) && !exists;
                if (name.Contains(DictionaryParser.InstanceToken, StringComparison.Ordinal))
                {
                    variables.Add(new InstanceNamePattern(name));
                }
                else if (!redefine && !onlyIfAbsent)
                {
                    // Every instance would declare the same name: a duplicate from instance 2 on.
                    errors.Add(new Diagnostic(At(fileName, variable), Messages.FormatRepeatedNameWithoutToken(name, DictionaryParser.InstanceToken)));
                }
            }
        }

        foreach (var file in root.Elements("files").Elements("file"))
        {
            var name = file.Attribute("name")?.Value ?? "";
            if (!name.Contains(DictionaryParser.InstanceToken, StringComparison.Ordinal))
            {
                errors.Add(new Diagnostic(At(fileName, file), Messages.FormatRepeatedFileWithoutToken(name, DictionaryParser.InstanceToken)));
            }
        }

        foreach (var list in root.Elements("files").Elements().Attributes("filelist").Select(a => a.Value))
        {
            if (list.Contains(DictionaryParser.InstanceToken, StringComparison.Ordinal))
            {
                fileLists.Add(new InstanceNamePattern(list));
            }
        }

        foreach (var list in root.Elements("files").Elements("service").Attributes("servicelist").Select(a => a.Value))
        {
            if (list.Contains(DictionaryParser.InstanceToken, StringComparison.Ordinal))
            {
                serviceLists.Add(new InstanceNamePattern(list));
            }
        }

        return new RepeatedNames(variables, families, fileLists, serviceLists);
    }

    /// <summary>
    /// A count variable must be a <c>number</c> declared by a non-repeated file (its value decides the
    /// instances, so it cannot come from one). Returns each one's final default values.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> CheckCountVariables(List<LoadedDictionary> loaded, List<Diagnostic> errors)
    {
        var defaults = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var repeated in loaded.Where(f => f.Repeat is not null))
        {
            var countVariable = repeated.Repeat!.CountVariable;
            VariableType? type = null;
            IReadOnlyList<string> values = [];
            foreach (var file in loaded.Where(f => f.Repeat is null))
            {
                foreach (var variable in file.Parse(null, []).Families.SelectMany(f => f.Variables).Where(v => v.Name == countVariable))
                {
                    if (type is null && !variable.Redefine)
                    {
                        type = variable.Type ?? VariableType.String;
                        values = variable.Values ?? [];
                    }
                    else if (type is not null && variable.Redefine)
                    {
                        type = variable.Type ?? type;
                        values = variable.Values ?? values;
                    }
                }
            }

            var location = repeated.Repeat.Location.ToString();
            if (type is null)
            {
                var inRepeatedFile = loaded.Any(f => f.Repeat is not null && f.Parse(1, []).Families.SelectMany(x => x.Variables).Any(v => v.Name == countVariable));
                errors.Add(new Diagnostic(location, inRepeatedFile
                    ? Messages.FormatRepeatCountInRepeatedFile(countVariable)
                    : Messages.FormatRepeatCountUndeclared(countVariable)));
            }
            else if (type != VariableType.Number)
            {
                errors.Add(new Diagnostic(location, Messages.FormatRepeatCountNotNumber(countVariable, type.Value.ToCreoleName())));
            }
            else
            {
                defaults[countVariable] = values;
            }
        }

        return defaults;
    }

    private static string At(string fileName, XElement element) =>
        $"{fileName}:{(element is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0)}";
}

/// <summary>One dictionary file as read: its XML (kept to instantiate repeated files) and repetition.</summary>
internal sealed record LoadedDictionary(string FileName, XDocument Document, RepeatDeclaration? Repeat, RepeatedNames? RepeatedNames)
{
    /// <summary>Parses the file, or its instance <paramref name="instance"/> if it is repeated.</summary>
    public DictionaryDeclarations Parse(int? instance, List<Diagnostic> errors) =>
        DictionaryParser.Parse(Document, FileName, instance, errors);
}
