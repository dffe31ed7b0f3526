using System.Globalization;
using Portique.Configuration;
using Portique.Core;
using Portique.GenConfig.Forms;
using Portique.GenConfig.Html;

namespace Portique.GenConfig.Pages;

/// <summary>A message shown above the form after an action.</summary>
internal sealed record FormNotice(string Kind, Markup Content);

/// <summary>What the configuration page shows.</summary>
/// <param name="Configuration">The values to show (the stored ones, or the posted ones after a refused save).</param>
/// <param name="Problems">Every blocking problem; each shown next to its field and in the summary.</param>
/// <param name="Warnings">Non-blocking remarks.</param>
/// <param name="Mode">The display mode filter.</param>
/// <param name="ActiveTab">The panel to show first (the one the administrator was on).</param>
/// <param name="Notice">A confirmation, if any.</param>
internal sealed record ConfigPageModel(
    EvaluatedConfiguration Configuration,
    IReadOnlyList<Diagnostic> Problems,
    IReadOnlyList<Diagnostic> Warnings,
    DisplayMode Mode,
    string? ActiveTab,
    FormNotice? Notice)
{
    /// <summary>The version of config.eol the shown values come from, posted back so that a save from an older page is refused.</summary>
    public string Version { get; init; } = "";
}

/// <summary>
/// The configuration form, generated from the dictionaries: a tab per family, separators as headings, help as hints,
/// a field per variable matching its type, master/slave groups as tables, every problem next to its field.
/// </summary>
internal static class ConfigPage
{
    public static string Render(PageContext page, ConfigPageModel model)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(model);
        var configuration = model.Configuration;
        var families = ConfigForm.Families(configuration);
        // Next to its field, a value still to give reads differently from a wrong one.
        var errors = model.Problems.GroupBy(p => p.Subject, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.IsIncomplete ? $"{Ui.ToComplete} : {p.Message}" : p.Message).ToArray(), StringComparer.Ordinal);
        var active = families.FirstOrDefault(f => f.Id == model.ActiveTab && !f.BeyondCount)?.Id
            ?? families.FirstOrDefault(f => !f.BeyondCount)?.Id;
        var renderer = new FieldRenderer(configuration, errors);

        var content = Markup.Of($"""
            <form method="post" action="/config" novalidate id="config-form" class="config-form">
            {page.AntiforgeryField}
            <input type="hidden" name="{ConfigForm.TabKey}" id="active-tab" value="{active ?? ""}">
            <input type="hidden" name="{ConfigForm.VersionKey}" value="{model.Version}">
            <div class="page-head">
              <div>
                <h1>{Ui.ConfigurationTitle}</h1>
                <p class="lead">{Ui.ConfigurationLead}</p>
              </div>
              <div class="tools">
                {ModeSelect(model.Mode)}
                {Buttons()}
              </div>
            </div>
            {Markup.If(model.Notice is not null, model.Notice is { } n ? Layout.Notice(n.Kind, n.Content) : Markup.Empty)}
            {Summary(configuration, families, [.. model.Problems.Where(p => !p.IsIncomplete)])}
            {Incomplete(configuration, families, [.. model.Problems.Where(p => p.IsIncomplete)])}
            {Warnings(model.Warnings)}
            <div class="workspace">
              <nav class="tabs" aria-label="{Ui.Families}">
                <ul id="tab-list">
                {families.Select(f => Tab(f, f.Id == active, renderer.ErrorCount(f)))}
                </ul>
              </nav>
              <div class="panels" id="panels" data-active="{active ?? ""}">
              {families.Select(f => Panel(f, f.Id == active, renderer))}
              </div>
            </div>
            <div class="form-actions">{Buttons()}</div>
            </form>
            """);
        return Layout.Page(page, Ui.ConfigurationTitle, Section.Configuration, content, "mode-" + ModeName(model.Mode));
    }

    /// <summary>The tabs and panels of repeated instances, for the page's script to insert when their count grows.</summary>
    public static string Fragment(EvaluatedConfiguration configuration, IEnumerable<FamilyView> families)
    {
        var renderer = new FieldRenderer(configuration, new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal));
        var list = families.ToArray();
        return Markup.Of($"""
            <ul data-fragment="tabs">{list.Select(f => Tab(f with { BeyondCount = false }, false, 0))}</ul>
            <div data-fragment="panels">{list.Select(f => Panel(f with { BeyondCount = false }, false, renderer))}</div>
            """).ToString();
    }

    public static string ModeName(DisplayMode mode) => mode switch
    {
        DisplayMode.Basic => "basic",
        DisplayMode.Expert => "expert",
        _ => "normal",
    };

    public static DisplayMode ParseMode(string? text) => text switch
    {
        "basic" => DisplayMode.Basic,
        "expert" => DisplayMode.Expert,
        _ => DisplayMode.Normal,
    };

    private static Markup Buttons() => Markup.Of($"""
        <button type="submit" name="{ConfigForm.ActionKey}" value="check" class="button secondary">{Ui.Check}</button>
        <button type="submit" name="{ConfigForm.ActionKey}" value="save" class="button primary">{Ui.Save}</button>
        """);

    private static Markup ModeSelect(DisplayMode mode)
    {
        Markup Option(DisplayMode value, string label) => value == mode
            ? Markup.Of($"<option value=\"{ModeName(value)}\" selected>{label}</option>")
            : Markup.Of($"<option value=\"{ModeName(value)}\">{label}</option>");
        return Markup.Of($"""
            <span class="mode-filter">
            <label for="display-mode">{Ui.DisplayMode}</label>
            <select id="display-mode" name="{ConfigForm.ModeKey}">
            {Option(DisplayMode.Basic, Ui.ModeBasic)}{Option(DisplayMode.Normal, Ui.ModeNormal)}{Option(DisplayMode.Expert, Ui.ModeExpert)}
            </select>
            </span>
            """);
    }

    private static Markup Tab(FamilyView family, bool active, int errorCount)
    {
        var repeat = family.Repetition is { } r && family.Family.Instance is { } n
            ? Markup.Of($" data-repeat=\"{r.Repetition.CountVariable}\" data-instance=\"{n}\"")
            : Markup.Empty;
        var classes = "tab m-" + ModeName(family.Mode) + (active ? " active" : "") + (errorCount > 0 ? " has-error" : "");
        var badge = errorCount > 0
            ? Markup.Of($" <span class=\"badge\" title=\"{Ui.ErrorCountOf(errorCount)}\"><span aria-hidden=\"true\">{errorCount}</span><span class=\"visually-hidden\">{Ui.ErrorCountOf(errorCount)}</span></span>")
            : Markup.Empty;
        var current = active ? Markup.Of($" aria-current=\"true\"") : Markup.Empty;
        return Markup.Of($"""
            <li class="{classes}" data-panel="{family.Id}"{repeat}{Markup.If(family.BeyondCount, Markup.Of($" hidden"))}><a href="#{family.Id}" id="tab-{family.Id}"{current}><span class="icon icon-{family.Family.Icon ?? "folder"}" aria-hidden="true"></span>{family.Title}{badge}</a></li>
            """);
    }

    private static Markup Panel(FamilyView family, bool active, FieldRenderer renderer)
    {
        var repeat = family.Repetition is { } r && family.Family.Instance is { } n
            ? Markup.Of($" data-repeat=\"{r.Repetition.CountVariable}\" data-instance=\"{n}\"")
            : Markup.Empty;
        var classes = "panel m-" + ModeName(family.Mode) + (active ? " active" : "");
        var help = family.Family.Help is { Length: > 0 } text ? Markup.Of($"<p class=\"family-help\">{text}</p>") : Markup.Empty;
        return Markup.Of($"""
            <section class="{classes}" id="{family.Id}" aria-labelledby="legend-{family.Id}"{repeat}{Markup.If(family.BeyondCount, Markup.Of($" hidden"))}>
            <fieldset>
            <legend id="legend-{family.Id}">{family.Title}</legend>
            {help}
            <div class="fields">
            {family.Fields.Select(v => renderer.Field(v, family.BeyondCount))}
            </div>
            </fieldset>
            </section>
            """);
    }

    private static Markup Summary(EvaluatedConfiguration configuration, IReadOnlyList<FamilyView> families, IReadOnlyList<Diagnostic> problems) =>
        problems.Count == 0 ? Markup.Empty : Markup.Of($"""
            <div class="summary" id="error-summary" role="alert" tabindex="-1">
            <h2>{Ui.ErrorSummaryOf(problems.Count)}</h2>
            <ul>{Items(configuration, families, problems)}</ul>
            </div>
            """);

    /// <summary>Values still to give: not errors, a draft is saved with them; "Appliquer" waits for them.</summary>
    private static Markup Incomplete(EvaluatedConfiguration configuration, IReadOnlyList<FamilyView> families, IReadOnlyList<Diagnostic> problems) =>
        problems.Count == 0 ? Markup.Empty : Markup.Of($"""
            <div class="summary incomplete" id="incomplete-summary" role="status">
            <h2>{Ui.FormatIncompleteSummary(problems.Count)}</h2>
            <p class="hint">{Ui.IncompleteHint}</p>
            <ul>{Items(configuration, families, problems)}</ul>
            </div>
            """);

    private static IEnumerable<Markup> Items(EvaluatedConfiguration configuration, IReadOnlyList<FamilyView> families, IReadOnlyList<Diagnostic> problems) =>
        problems.Select(problem =>
        {
            var variable = configuration.Find(problem.Subject);
            var shownAs = variable?.Master is { } master ? master : variable?.Name;
            var family = variable is null ? null : families.FirstOrDefault(f => f.Fields.Any(v => v.Name == shownAs));
            if (variable is null)
            {
                return Markup.Of($"<li><code>{problem.Subject}</code> : {problem.Message}</li>");
            }

            var label = variable.Description.Length > 0 ? variable.Description : variable.Name;
            return family is null
                ? Markup.Of($"<li><span class=\"where\">{label}</span> <code>{variable.Name}</code> : {problem.Message}</li>")
                : Markup.Of($"<li><a href=\"#{ConfigForm.RowId(shownAs!)}\" data-panel=\"{family.Id}\"><span class=\"where\">{family.Title} › {label}</span></a> : {problem.Message}</li>");
        });

    private static Markup Warnings(IReadOnlyList<Diagnostic> warnings)
    {
        if (warnings.Count == 0)
        {
            return Markup.Empty;
        }

        return Layout.Notice("info", Markup.Of($"""
            <p>{Ui.WarningsTitle}</p>
            <ul>{warnings.Select(w => Markup.Of($"<li><code>{w.Subject}</code> : {w.Message}</li>"))}</ul>
            """));
    }
}

/// <summary>Renders one variable as the field its type calls for.</summary>
internal sealed class FieldRenderer(EvaluatedConfiguration configuration, IReadOnlyDictionary<string, IReadOnlyList<string>> errors)
{
    public int ErrorCount(FamilyView family)
    {
        var count = 0;
        foreach (var variable in family.Fields)
        {
            count += Errors(variable.Name).Count;
            foreach (var slave in variable.Slaves)
            {
                count += Errors(slave).Count;
            }
        }

        return count;
    }

    public Markup Field(EvaluatedVariable variable, bool beyondCount)
    {
        var separator = variable.Separator is { Length: > 0 } heading
            ? Markup.Of($"<h3 class=\"separator m-{ConfigPage.ModeName(variable.Mode)}\">{heading}</h3>")
            : Markup.Empty;
        var field = variable.IsMaster ? Table(variable, ConfigForm.Slaves(configuration, variable, beyondCount))
            : variable.Multi ? List(variable)
            : Single(variable);
        return Markup.Of($"{separator}{field}");
    }

    private IReadOnlyList<string> Errors(string name) => errors.TryGetValue(name, out var list) ? list : [];

    private static string Label(EvaluatedVariable variable) => variable.Description.Length > 0 ? variable.Description : variable.Name;

    private static Markup Required(EvaluatedVariable variable) => variable.Mandatory
        ? Markup.Of($"<span class=\"required\" title=\"{Ui.Required}\" aria-hidden=\"true\">*</span>")
        : Markup.Empty;

    private static string RowClasses(EvaluatedVariable variable, string kind, bool hasError) =>
        "field " + kind + " m-" + ConfigPage.ModeName(variable.Mode) + (hasError ? " has-error" : "");

    private Markup Single(EvaluatedVariable variable)
    {
        var errorList = Errors(variable.Name);
        var hint = Hint(variable);
        var described = Describedby(variable.Name, hint.Value?.Length > 0, errorList.Count > 0);
        var input = Input(variable, variable.Values.FirstOrDefault() ?? "", ConfigForm.FieldId(variable.Name), null, described, errorList.Count > 0);
        return Markup.Of($"""
            <div class="{RowClasses(variable, "single", errorList.Count > 0)}" id="{ConfigForm.RowId(variable.Name)}">
              <div class="label">
                <span class="label-line"><label for="{ConfigForm.FieldId(variable.Name)}">{Label(variable)}</label>{Required(variable)}</span>
                <code class="varname">{variable.Name}</code>
              </div>
              <div class="control">
                {input}{Datalist(variable)}
                {Markup.If(!variable.Frozen, FieldsMarker(variable.Name))}
                {hint}
                {ErrorList(variable.Name, errorList)}
              </div>
            </div>
            """);
    }

    private Markup List(EvaluatedVariable variable)
    {
        var errorList = Errors(variable.Name);
        var hint = Hint(variable);
        var label = Label(variable);
        var items = variable.Values.Select((value, i) => ListItem(variable, value ?? "", i + 1, errorList.Count > 0)).ToArray();
        return Markup.Of($"""
            <div class="{RowClasses(variable, "multi", errorList.Count > 0)}" id="{ConfigForm.RowId(variable.Name)}">
              <div class="label">
                <span class="label-line"><span class="label-text" id="l-{variable.Name}">{label}</span>{Required(variable)}</span>
                <code class="varname">{variable.Name}</code>
              </div>
              <div class="control" role="group" aria-labelledby="l-{variable.Name}">
                <ul class="items" id="items-{variable.Name}" data-label="{label}">{items}</ul>
                <p class="empty-note"{Markup.If(items.Length > 0, Markup.Of($" hidden"))}>{Ui.NoValue}</p>
                <button type="button" class="button small add" data-add="items-{variable.Name}"{Markup.If(variable.Frozen, Markup.Of($" disabled"))}>+ {Ui.AddValue}</button>
                <template id="tpl-items-{variable.Name}">{ListItem(variable, "", 0, false)}</template>
                {Datalist(variable)}{Markup.If(!variable.Frozen, FieldsMarker(variable.Name))}
                {hint}
                {ErrorList(variable.Name, errorList)}
              </div>
            </div>
            """);
    }

    private Markup ListItem(EvaluatedVariable variable, string value, int row, bool invalid)
    {
        var label = Label(variable);
        var id = row == 1 ? ConfigForm.FieldId(variable.Name) : row > 1 ? ConfigForm.FieldId(variable.Name) + "-" + row.ToString(CultureInfo.InvariantCulture) : null;
        return Markup.Of($"""
            <li class="item">{Input(variable, value, id, Ui.FormatRowLabel(label, row), null, invalid)}<button type="button" class="icon-button remove" data-remove aria-label="{Ui.FormatRemoveRow(label, row)}" title="{Ui.Remove}"{Markup.If(variable.Frozen, Markup.Of($" disabled"))}>✕</button></li>
            """);
    }

    private Markup Table(EvaluatedVariable master, IReadOnlyList<EvaluatedVariable> slaves)
    {
        var columns = new List<EvaluatedVariable> { master };
        columns.AddRange(slaves);
        var messages = columns.SelectMany(c => Errors(c.Name).Select(m => (c, m))).ToArray();
        var invalid = messages.Length > 0;
        var rows = master.Values.Count;
        var body = Enumerable.Range(0, rows).Select(i => TableRow(columns, i, invalid)).ToArray();
        var hints = columns.Where(c => c.Help is { Length: > 0 }).Select(c => Markup.Of($"<li><strong>{Label(c)}</strong> : {c.Help}</li>")).ToArray();
        var names = string.Join(" / ", columns.Select(c => c.Name));
        return Markup.Of($"""
            <div class="{RowClasses(master, "table-field", invalid)}" id="{ConfigForm.RowId(master.Name)}">
              <div class="label">
                <span class="label-line"><span class="label-text" id="l-{master.Name}">{Label(master)}</span>{Required(master)}</span>
                <code class="varname">{names}</code>
              </div>
              <div class="control" role="group" aria-labelledby="l-{master.Name}">
                <table class="rows" id="rows-{master.Name}">
                  <thead><tr>{columns.Select(c => Markup.Of($"<th scope=\"col\">{Label(c)}</th>"))}<th scope="col" class="actions"><span class="visually-hidden">{Ui.Actions}</span></th></tr></thead>
                  <tbody>{body}</tbody>
                </table>
                <p class="empty-note"{Markup.If(rows > 0, Markup.Of($" hidden"))}>{Ui.NoRow}</p>
                <button type="button" class="button small add" data-add="rows-{master.Name}">+ {Ui.AddRow}</button>
                <template id="tpl-rows-{master.Name}">{TableRow(columns, -1, false)}</template>
                {columns.Select(Datalist)}{columns.Where(c => !c.Frozen).Select(c => FieldsMarker(c.Name))}
                {Markup.If(hints.Length > 0, Markup.Of($"<ul class=\"hint\" id=\"h-{master.Name}\">{hints}</ul>"))}
                {Markup.If(invalid, Markup.Of($"<ul class=\"errors\" id=\"e-{master.Name}\">{messages.Select(e => Markup.Of($"<li><strong>{Label(e.c)}</strong> : {e.m}</li>"))}</ul>"))}
              </div>
            </div>
            """);
    }

    private Markup TableRow(List<EvaluatedVariable> columns, int index, bool invalid)
    {
        var row = index + 1;
        var cells = columns.Select(c =>
        {
            var value = index >= 0 && index < c.Values.Count ? c.Values[index] ?? "" : "";
            var id = index == 0 ? ConfigForm.FieldId(c.Name) : null;
            return Markup.Of($"<td>{Input(c, value, id, Ui.FormatRowLabel(Label(c), row), null, invalid && Errors(c.Name).Count > 0, inTable: true)}</td>");
        });
        return Markup.Of($"""
            <tr>{cells}<td class="actions"><button type="button" class="icon-button remove" data-remove aria-label="{Ui.FormatRemoveRow(Ui.Row, row)}" title="{Ui.Remove}">✕</button></td></tr>
            """);
    }

    /// <summary>The input for one value: a switch, a select, a free text with suggestions, a masked password, or a text box.</summary>
    private Markup Input(EvaluatedVariable variable, string value, string? id, string? ariaLabel, string? describedBy, bool invalid, bool inTable = false)
    {
        var attributes = new List<Markup>();
        if (id is not null)
        {
            attributes.Add(Markup.Of($" id=\"{id}\""));
        }

        attributes.Add(Markup.Of($" name=\"{variable.Name}\""));
        if (ariaLabel is not null)
        {
            attributes.Add(Markup.Of($" aria-label=\"{ariaLabel}\""));
        }

        if (describedBy is not null)
        {
            attributes.Add(Markup.Of($" aria-describedby=\"{describedBy}\""));
        }

        attributes.Add(Markup.If(invalid, new Markup(" aria-invalid=\"true\"")));
        attributes.Add(Markup.If(variable.Mandatory, new Markup(" aria-required=\"true\"")));
        // A frozen variable (frozen_if_in...) is shown read-only, as in EOLE's editors: a disabled control is not posted.
        attributes.Add(Markup.If(variable.Frozen, new Markup(" disabled")));
        attributes.Add(CountAttributes(variable));
        var common = Markup.Join(attributes);
        if (variable.Type is VariableType.OuiNon or VariableType.OnOff)
        {
            var (on, off) = ConfigForm.SwitchWords(variable.Type);
            if (!inTable && !variable.Multi)
            {
                var isOn = value == on;
                return Markup.Of($"""
                    <span class="switch"><input type="checkbox" role="switch" value="{on}"{common}{Markup.If(isOn, Markup.Of($" checked"))}><span class="track" aria-hidden="true"></span><span class="state" aria-hidden="true" data-on="{on}" data-off="{off}">{(isOn ? on : off)}</span></span>
                    """);
            }

            return Select(common, [on, off], value, allowEmpty: false);
        }

        if (variable.Choices.Count > 0 && !variable.OtherChoicesAllowed)
        {
            return Select(common, variable.Choices, value, allowEmpty: !variable.Mandatory || value.Length == 0);
        }

        if (variable.Type == VariableType.Password)
        {
            return Markup.Of($"<input type=\"password\" autocomplete=\"new-password\" value=\"\"{common}>");
        }

        var list = variable.Choices.Count > 0 ? "dl-" + variable.Name : null;
        var (inputMode, size) = variable.Type switch
        {
            VariableType.Number or VariableType.Port => ("numeric", "narrow"),
            VariableType.MemorySize => ("text", "narrow"),
            VariableType.Cpus => ("decimal", "narrow"),
            VariableType.Mail => ("email", "wide"),
            VariableType.WebAddress => ("url", "wide"),
            VariableType.Ip or VariableType.Netmask or VariableType.Network => ("decimal", "medium"),
            VariableType.AbsolutePath or VariableType.HostPath or VariableType.PlainPath or VariableType.ServerNames or VariableType.KeyValue or VariableType.String => ("text", "wide"),
            _ => ("text", "medium"),
        };
        return Markup.Of($"""
            <input type="text" class="{size}" inputmode="{inputMode}" autocomplete="off" spellcheck="false" value="{value}"{common}{Markup.If(list is not null, Markup.Of($" list=\"{list ?? ""}\""))}>
            """);
    }

    /// <summary>A repeated file's count variable tells the page's script which tabs it shows.</summary>
    private Markup CountAttributes(EvaluatedVariable variable) =>
        configuration.Repetitions.FirstOrDefault(r => r.Repetition.CountVariable == variable.Name) is { } state
            ? Markup.Of($" data-repeat-count=\"{variable.Name}\" data-repeat-max=\"{state.Repetition.Max}\"")
            : Markup.Empty;

    /// <summary>The suggestions of an open <c>valid_enum</c> (<c>checkval False</c>): free text, with the known values offered.</summary>
    private static Markup Datalist(EvaluatedVariable variable) => variable.Choices.Count == 0 || !variable.OtherChoicesAllowed
        ? Markup.Empty
        : Markup.Of($"<datalist id=\"dl-{variable.Name}\">{variable.Choices.Select(c => Markup.Of($"<option value=\"{c}\">"))}</datalist>");

    private static Markup Select(Markup common, IReadOnlyList<string> choices, string value, bool allowEmpty)
    {
        var options = new List<Markup>();
        if (allowEmpty)
        {
            options.Add(Markup.Of($"<option value=\"\"{Markup.If(value.Length == 0, Markup.Of($" selected"))}>{Ui.NoChoice}</option>"));
        }

        if (value.Length > 0 && !choices.Contains(value, StringComparer.Ordinal))
        {
            options.Add(Markup.Of($"<option value=\"{value}\" selected>{value}</option>"));
        }

        options.AddRange(choices.Select(c => c == value
            ? Markup.Of($"<option value=\"{c}\" selected>{c}</option>")
            : Markup.Of($"<option value=\"{c}\">{c}</option>")));
        return Markup.Of($"<select{common}>{options}</select>");
    }

    private static Markup Hint(EvaluatedVariable variable)
    {
        var parts = new List<Markup>();
        if (variable.Help is { Length: > 0 } help)
        {
            parts.Add(Markup.Text(help));
        }

        if (variable.Type == VariableType.Password && variable.Values.Any(v => !string.IsNullOrEmpty(v)))
        {
            parts.Add(Markup.Text(Ui.PasswordUnchanged));
        }

        return parts.Count == 0 ? Markup.Empty : Markup.Of($"<p class=\"hint\" id=\"h-{variable.Name}\">{Markup.Join(parts.Select((p, i) => i == 0 ? p : Markup.Of($" {p}")))}</p>");
    }

    private static string? Describedby(string name, bool hasHint, bool hasErrors)
    {
        var ids = new List<string>();
        if (hasHint)
        {
            ids.Add("h-" + name);
        }

        if (hasErrors)
        {
            ids.Add("e-" + name);
        }

        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    private static Markup ErrorList(string name, IReadOnlyList<string> messages) => messages.Count == 0
        ? Markup.Empty
        : Markup.Of($"<ul class=\"errors\" id=\"e-{name}\">{messages.Select(m => Markup.Of($"<li>{m}</li>"))}</ul>");

    private static Markup FieldsMarker(string name) => Markup.Of($"<input type=\"hidden\" name=\"{ConfigForm.FieldsKey}\" value=\"{name}\">");
}
