using Portique.Configuration;
using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.Orchestration.Resources;
using Portique.Planning;
using Portique.Templating;

namespace Portique.Orchestration;

/// <summary>
/// One Portique root as the administrator sees it: its dictionaries (the root's, or the shipped ones when the
/// root's folder has none), its <c>config.eol</c>, and the files generated from them. Loads on demand, caches nothing.
/// </summary>
public sealed class Workspace
{
    /// <summary>Generated files under this system folder belong to the nginx frontend: staged and tested, never written directly.</summary>
    public const string FrontendFolder = "/etc/nginx/";

    /// <summary>
    /// Portique's own dictionaries on an EOLE server: a folder of its own, read together with EOLE's, so that
    /// EOLE's tools never see Portique-only constructs (the <c>repeat</c> attribute) in EOLE's folder.
    /// </summary>
    public const string PortiqueDictionariesFolder = "/usr/share/portique/dicos";

    /// <summary>The templates of <see cref="PortiqueDictionariesFolder"/>'s dictionaries.</summary>
    public const string PortiqueTemplatesFolder = "/usr/share/portique/distrib";

    public Workspace(PortiqueRoot root, string shippedDirectory)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        var rootHasDictionaries = HasDictionaries(root.DictionariesDirectory);
        var portiqueDictionaries = root.Resolve(PortiqueDictionariesFolder);
        var folders = new List<(string Dictionaries, string Templates)>();
        if (rootHasDictionaries)
        {
            folders.Add((root.DictionariesDirectory, root.TemplatesDirectory));
        }

        if (HasDictionaries(portiqueDictionaries))
        {
            folders.Add((portiqueDictionaries, root.Resolve(PortiqueTemplatesFolder)));
        }

        if (folders.Count == 0)
        {
            folders.Add((Path.Join(shippedDirectory, "dicos"), Path.Join(shippedDirectory, "distrib")));
        }

        Folders = folders;
        DictionariesDirectory = folders[0].Dictionaries;
        TemplatesDirectory = folders[^1].Templates;
        // On an EOLE server, EOLE's instance/reconfigure render the files of EOLE's folder: Portique reads those
        // dictionaries for their variables but renders only its own files, so no file is written twice.
        EoleFolder = rootHasDictionaries && folders.Count > 1 && File.Exists(root.Resolve(EoleCreoleMarker))
            ? root.DictionariesDirectory
            : null;
    }

    /// <summary>A command of EOLE's Creole: where it exists, EOLE renders the files of its own dictionary folder.</summary>
    public const string EoleCreoleMarker = "/usr/bin/CreoleGet";

    /// <summary>EOLE's dictionary folder when EOLE's Creole renders its files itself (an EOLE server); otherwise null.</summary>
    public string? EoleFolder { get; }

    /// <summary>The declared files Portique renders: all of them, except on an EOLE server those of EOLE's folder.</summary>
    private IEnumerable<EvaluatedFile> OwnFiles(EvaluatedConfiguration configuration) =>
        EoleFolder is null
            ? configuration.Files
            : configuration.Files.Where(f => !File.Exists(Path.Join(EoleFolder, f.Location.File)));

    /// <summary>The dictionary folders read, in order, each with its templates folder: EOLE's and/or Portique's, or the shipped ones.</summary>
    public IReadOnlyList<(string Dictionaries, string Templates)> Folders { get; }

    /// <summary>The shipped dictionaries and templates, next to the executable.</summary>
    public static string DefaultShippedDirectory => Path.Join(AppContext.BaseDirectory, "share");

    public PortiqueRoot Root { get; }

    public string DictionariesDirectory { get; }

    /// <summary>The templates folder of Portique's own dictionaries (standalone templates are read there).</summary>
    public string TemplatesDirectory { get; }

    public DictionarySource LoadDictionaries() =>
        DictionarySource.Load(Folders.Select(f => f.Dictionaries).ToArray()).WithHost(new EoleHost(Root));

    public ConfigValues LoadValues() => File.Exists(Root.ConfigEol) ? ConfigEolFile.Load(Root.ConfigEol) : ConfigValues.Empty;

    public EvaluatedConfiguration Evaluate(ConfigValues? values = null) =>
        EvaluatedConfiguration.Evaluate(LoadDictionaries(), values ?? LoadValues());

    /// <summary>Every problem at once: values, cross-service rules, templates. Empty when all is well.</summary>
    public ValidationReport Validate(EvaluatedConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<Diagnostic>(configuration.Validate());
        var (desired, stateProblems) = DesiredStateBuilder.Build(configuration);
        // A variable the dictionaries already found wrong is not reported twice by the cross-service rules.
        var reported = problems.Select(p => p.Subject).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(stateProblems.Where(p => !reported.Contains(p.Subject)));
        problems.AddRange(CheckTemplates(configuration));
        return new ValidationReport(desired, problems, configuration.Warnings);
    }

    /// <summary>
    /// Sets variables together (a master and its slaves must change in one go) and writes <c>config.eol</c> unless the
    /// change makes the configuration invalid: refused when a variable it sets is invalid, or when it leaves an invalid
    /// problem that was not there before (a conflict with another container...). Values still missing (incomplete)
    /// never block: the returned report lists them, with the invalid problems that were already there. On refusal
    /// the file stays byte-identical. The read, the check and the write happen under <see cref="ConfigEolLock"/>.
    /// </summary>
    /// <param name="assignments">The variables and their values.</param>
    /// <param name="owner">Who writes (<see cref="Owners"/>).</param>
    /// <param name="expectedVersion">When given, the <see cref="ConfigVersion"/> the change was made from: refused if the file changed since.</param>
    /// <param name="cancellationToken">Stops waiting for the lock.</param>
    /// <exception cref="ConfigurationInvalidException">The change is refused; the problems it brings.</exception>
    /// <exception cref="RuntimeFailureException">Another writer held config.eol too long, or it cannot be written.</exception>
    public ValidationReport Set(
        IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments,
        string owner,
        string? expectedVersion = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        using var writeLock = ConfigEolLock.Acquire(Root, owner, WriteLockTimeout, cancellationToken);
        if (expectedVersion is not null && expectedVersion != ConfigVersion())
        {
            throw new ConfigurationInvalidException([new Diagnostic("config.eol", Messages.ConfigEolChanged)]);
        }

        var before = Evaluate();
        var (evaluated, report, refused) = Check(before, assignments, owner);
        if (refused.Count > 0)
        {
            throw new ConfigurationInvalidException(refused);
        }

        ConfigEolFile.Save(Root.ConfigEol, evaluated.Values);
        return report;
    }

    /// <summary>
    /// Applies <paramref name="assignments"/> to <paramref name="before"/> in memory and validates the result. Writes nothing.
    /// <c>Refused</c> holds what would make <see cref="Set"/> refuse the change (empty: it may be saved).
    /// </summary>
    /// <exception cref="ConfigurationInvalidException">A variable no dictionary declares.</exception>
    public (EvaluatedConfiguration Configuration, ValidationReport Report, IReadOnlyList<Diagnostic> Refused) Check(
        EvaluatedConfiguration before,
        IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> assignments,
        string owner)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(assignments);
        var evaluated = EvaluatedConfiguration.Evaluate(before.Dictionaries, before.SetValues(assignments, owner));

        // EOLE's random_int: drawn once, when config.eol is first written, then stored.
        var updated = evaluated.Values;
        foreach (var variable in evaluated.Variables.Where(v => v is { RandomFill: not null, Origin: not ValueOrigin.Stored, Disabled: false, Master: null }))
        {
            if (variable.RandomFill!.Draw() is { } drawn)
            {
                updated = updated.Set(variable.Name, owner, [drawn], asList: variable.Multi);
            }
        }

        evaluated = EvaluatedConfiguration.Evaluate(evaluated.Dictionaries, updated);
        var report = Validate(evaluated);
        var set = assignments.Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
        var invalidBefore = Validate(before).Problems.Where(p => !p.IsIncomplete).ToHashSet();
        var refused = report.Problems
            .Where(p => !p.IsIncomplete && (set.Contains(p.Subject) || !invalidBefore.Contains(p)))
            .ToArray();
        return (evaluated, report, refused);
    }

    /// <summary>How long <see cref="Set"/> waits for another writer of config.eol.</summary>
    public TimeSpan WriteLockTimeout { get; init; } = ConfigEolLock.DefaultTimeout;

    /// <summary>A short fingerprint of config.eol as it is now (<c>none</c> when it does not exist), for optimistic concurrency.</summary>
    public string ConfigVersion()
    {
        try
        {
            return File.Exists(Root.ConfigEol)
                ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Root.ConfigEol)))[..32]
                : "none";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    /// <summary>
    /// Renders every enabled file in memory. Throws <see cref="TemplateException"/> with all template errors.
    /// <paramref name="safeValues"/>: every value that could carry a file's syntax is replaced by a plain word (the
    /// reference the nginx frontend compares the real rendering's structure with).
    /// </summary>
    public IReadOnlyList<RenderedFile> RenderAll(EvaluatedConfiguration configuration, bool safeValues = false, RenderFacts? facts = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var scope = new ConfigurationScope(configuration.GetTemplateValues(), Root, Folders[0].Templates, safeValues, facts);
        var rendered = new List<RenderedFile>();
        var errors = new List<Diagnostic>();
        foreach (var file in OwnFiles(configuration))
        {
            if (!file.Enabled)
            {
                rendered.Add(new RenderedFile(file, Root.Resolve(file.Name), null));
                continue;
            }

            try
            {
                // templating='False' (EOLE): the source is copied unchanged.
                if (!file.Templating && File.Exists(Path.Join(TemplatesFor(file), file.Source)))
                {
                    rendered.Add(new RenderedFile(file, Root.Resolve(file.Name), File.ReadAllText(Path.Join(TemplatesFor(file), file.Source))));
                    continue;
                }

                var template = ParseTemplate(file);
                rendered.Add(new RenderedFile(file, Root.Resolve(file.Name), template.Render(scope)));
            }
            catch (InvalidInputException e)
            {
                errors.AddRange(e.Diagnostics);
            }
        }

        return errors.Count > 0 ? throw new TemplateException(errors) : rendered;
    }

    /// <summary>
    /// Writes the rendered files that are not the frontend's: only when the content changed, with the declared mode,
    /// owner and group; disabled files declared <c>rm='True'</c> are removed. Returns what changed.
    /// The frontend's files are written only when asked (a preview folder): in place they go through nginx's test.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(IEnumerable<RenderedFile> files, CancellationToken cancellationToken, bool includeFrontend = false)
    {
        ArgumentNullException.ThrowIfNull(files);
        var changed = new List<string>();
        var written = files.Where(f => includeFrontend || !IsFrontendFile(f.Declaration)).ToList();
        await FileWriter.CheckAccountsAsync(written, cancellationToken);
        foreach (var file in written)
        {
            if (await FileWriter.ApplyAsync(file, cancellationToken))
            {
                changed.Add(file.Declaration.Name);
            }
        }

        return changed;
    }

    /// <summary>The frontend's files, keyed by their path relative to <c>/etc/nginx/</c>.</summary>
    public static IReadOnlyDictionary<string, string> FrontendFiles(IEnumerable<RenderedFile> files) =>
        files.Where(f => IsFrontendFile(f.Declaration) && f.Content is not null)
            .ToDictionary(f => f.Declaration.Name[FrontendFolder.Length..], f => f.Content!, StringComparer.Ordinal);

    /// <summary>
    /// What the nginx frontend is given: the frontend's files of <paramref name="files"/> (under a private root, the main
    /// <c>nginx.conf</c> too), with the same templates rendered for safe values, so that the frontend refuses any file
    /// whose structure a value changed.
    /// </summary>
    public TemplatedNginxDictionary FrontendFiles(IReadOnlyList<RenderedFile> files, EvaluatedConfiguration configuration, RenderFacts? facts = null)
    {
        return new TemplatedNginxDictionary(Collect(files, safeValues: false), Collect(RenderAll(configuration, safeValues: true, facts), safeValues: true));

        Dictionary<string, string> Collect(IReadOnlyList<RenderedFile> rendered, bool safeValues)
        {
            var result = new Dictionary<string, string>(FrontendFiles(rendered), StringComparer.Ordinal);
            if (!Root.IsSystemRoot)
            {
                result["nginx.conf"] = RenderStandalone("portique-nginx.conf", configuration, safeValues);
            }

            return result;
        }
    }

    public static bool IsFrontendFile(EvaluatedFile file) => file.Name.StartsWith(FrontendFolder, StringComparison.Ordinal);

    /// <summary>Renders a shipped template that no dictionary declares (the private nginx master's main config).</summary>
    public string RenderStandalone(string templateName, EvaluatedConfiguration configuration, bool safeValues = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = Path.Join(TemplatesDirectory, templateName);
        return CreoleTemplate.Parse(File.ReadAllText(path), templateName)
            .Render(new ConfigurationScope(configuration.GetTemplateValues(), Root, safeValues: safeValues));
    }

    private static bool HasDictionaries(string folder) => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.xml").Any();

    /// <summary>A file's templates folder: the one next to the dictionary folder that declares it.</summary>
    private string TemplatesFor(EvaluatedFile file)
    {
        foreach (var (dictionaries, templates) in Folders)
        {
            if (File.Exists(Path.Join(dictionaries, file.Location.File)))
            {
                return templates;
            }
        }

        return Folders[0].Templates;
    }

    private CreoleTemplate ParseTemplate(EvaluatedFile file)
    {
        var templates = TemplatesFor(file);
        var path = Path.Join(templates, file.Source);
        if (!File.Exists(path))
        {
            throw new TemplateException([new Diagnostic(file.Location.ToString(), Messages.FormatTemplateMissing(file.Source, templates))]);
        }

        var text = File.ReadAllText(path);
        // A template of a repeated dictionary is written once with {N}; each instance gets its own number.
        if (file.Instance is { } n)
        {
            text = text.Replace("{N}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        // Validation parses every template, rendering needs them again: parsed once per text (a template edited on disk
        // is a new text, parsed again).
        return _parsedTemplates.GetOrAdd((file.Source, text), static key => CreoleTemplate.Parse(key.Text, key.Source));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Source, string Text), CreoleTemplate> _parsedTemplates = new();

    /// <summary>
    /// Stands for <c>{N}</c> in <see cref="RepeatedTemplateReferences"/>. Every instance number is a run of digits not
    /// starting with 0, and so is this: a template parses the same way whatever the number, and a name holding this
    /// run holds it because of <c>{N}</c> (a template already containing it is parsed per instance).
    /// </summary>
    private const string InstanceSentinel = "9081726354";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Source, string Text), IReadOnlyList<string>?> _repeatedReferences = new();

    /// <summary>
    /// The configuration names a repeated dictionary's template reads, <c>{N}</c> written <see cref="InstanceSentinel"/>;
    /// parsed once per template text, not once per instance. Null when the template has no <c>{N}</c>, is missing or
    /// does not parse: the instance's own parse then reports it.
    /// </summary>
    /// <param name="file">An instance's file.</param>
    /// <param name="texts">The template texts this check has read, by path (null: missing), so that it reads each once.</param>
    private IReadOnlyList<string>? RepeatedTemplateReferences(EvaluatedFile file, Dictionary<string, string?> texts)
    {
        var path = Path.Join(TemplatesFor(file), file.Source);
        if (!texts.TryGetValue(path, out var text))
        {
            text = File.Exists(path) ? File.ReadAllText(path) : null;
            texts[path] = text;
        }

        return text is null || !text.Contains("{N}", StringComparison.Ordinal) || text.Contains(InstanceSentinel, StringComparison.Ordinal)
            ? null
            : _repeatedReferences.GetOrAdd((file.Source, text), static key =>
            {
                try
                {
                    return CreoleTemplate.Parse(key.Text.Replace("{N}", InstanceSentinel, StringComparison.Ordinal), key.Source)
                        .ReferencedVariables.Select(r => r.Name).Distinct(StringComparer.Ordinal).ToArray();
                }
                catch (InvalidInputException)
                {
                    return null;
                }
            });
    }

    private static bool IsKnown(EvaluatedConfiguration configuration, string name) =>
        configuration.Find(name) is not null || ConfigurationScope.IsBuiltIn(name);

    /// <summary>Parses every enabled template and checks that the variables it names exist.</summary>
    private List<Diagnostic> CheckTemplates(EvaluatedConfiguration configuration)
    {
        var problems = new List<Diagnostic>();
        var repeatedTexts = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var file in OwnFiles(configuration).Where(f => f.Enabled && f.Templating))
        {
            try
            {
                // A repeated dictionary's template is checked once for all its instances when every name it reads exists;
                // otherwise this instance's own parse below says exactly where.
                if (file.Instance is { } instance && RepeatedTemplateReferences(file, repeatedTexts) is { } references)
                {
                    var number = instance.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (references.All(name => IsKnown(configuration, name.Replace(InstanceSentinel, number, StringComparison.Ordinal))))
                    {
                        continue;
                    }
                }

                foreach (var reference in ParseTemplate(file).ReferencedVariables)
                {
                    if (!IsKnown(configuration, reference.Name))
                    {
                        problems.Add(new Diagnostic($"{file.Source}:{reference.Line}:{reference.Column}", Messages.FormatTemplateUnknownVariable(reference.Name)));
                    }
                }
            }
            catch (InvalidInputException e)
            {
                problems.AddRange(e.Diagnostics);
            }
        }

        return problems;
    }
}

/// <summary>The outcome of validation: the desired state it implies, problems (blocking) and warnings.</summary>
public sealed record ValidationReport(DesiredState Desired, IReadOnlyList<Diagnostic> Problems, IReadOnlyList<Diagnostic> Warnings);

/// <summary>A dictionary file rendered in memory. <see cref="Content"/> is null for a disabled file.</summary>
public sealed record RenderedFile(EvaluatedFile Declaration, string Destination, string? Content);

/// <summary>
/// What templates are given from the engines rather than from the configuration: read once per run, never saved.
/// </summary>
/// <param name="SwarmNodes">The addresses of the swarm's nodes when it has several (<c>portique_noeuds_swarm</c>), else empty.</param>
public sealed record RenderFacts(IReadOnlyList<string> SwarmNodes)
{
    /// <summary>Nothing read from the engines: what <c>validate</c> and a run without engines render.</summary>
    public static RenderFacts None { get; } = new([]);
}
