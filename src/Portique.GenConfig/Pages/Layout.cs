using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Portique.GenConfig.Html;

namespace Portique.GenConfig.Pages;

/// <summary>The main sections, for the navigation bar.</summary>
internal enum Section
{
    None,
    Configuration,
    Apply,
    Status,
}

/// <summary>What every page needs from the request: the anti-forgery token, who is logged in, where we are.</summary>
internal sealed class PageContext
{
    private readonly AntiforgeryTokenSet _tokens;

    public PageContext(HttpContext http, IAntiforgery antiforgery, GenConfigOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(antiforgery);
        ArgumentNullException.ThrowIfNull(options);
        Http = http;
        Options = options;
        _tokens = antiforgery.GetAndStoreTokens(http);
    }

    public HttpContext Http { get; }

    public GenConfigOptions Options { get; }

    public bool Authenticated => Http.User.Identity?.IsAuthenticated == true;

    public static string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "fr";

    /// <summary>The hidden input every form carries.</summary>
    public Markup AntiforgeryField =>
        Markup.Of($"<input type=\"hidden\" name=\"{_tokens.FormFieldName}\" value=\"{_tokens.RequestToken}\">");
}

/// <summary>The frame of every page: header with navigation, language and session; main content; footer.</summary>
internal static class Layout
{
    public static string Page(PageContext page, string title, Section section, Markup content, string bodyClass = "")
    {
        ArgumentNullException.ThrowIfNull(page);
        var nav = page.Authenticated ? Navigation(page, section) : Markup.Empty;
        var html = Markup.Of($"""
            <!DOCTYPE html>
            <html lang="{PageContext.Language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>{title} · Portique genconfig</title>
            <link rel="stylesheet" href="/assets/genconfig.css">
            <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
            <script src="/assets/genconfig.js" defer></script>
            </head>
            <body class="{bodyClass}">
            <a class="skip-link" href="#main">{Ui.SkipToContent}</a>
            <header class="top">
              <div class="brand">
                <img src="/assets/favicon.svg" alt="" width="28" height="28">
                <span class="product">Portique</span><span class="app">genconfig</span>
              </div>
              <div class="server" title="{Ui.ServerTitle}">{ServerLabel(page)}</div>
              {nav}
              <div class="session">
                {Languages(page)}
                {Session(page)}
              </div>
            </header>
            <main id="main" tabindex="-1">
            {content}
            </main>
            <footer class="bottom">{Ui.Footer}</footer>
            </body>
            </html>
            """);
        return html.ToString();
    }

    public static Markup Notice(string kind, Markup content, string role = "status") =>
        Markup.Of($"<div class=\"notice {kind}\" role=\"{role}\">{content}</div>");

    // The root's path is for the administrator only: an anonymous visitor (the login page) sees the machine's name.
    private static string ServerLabel(PageContext page) =>
        page.Options.Root.IsSystemRoot || !page.Authenticated ? Environment.MachineName : Environment.MachineName + " · " + page.Options.Root.Directory;

    private static Markup Navigation(PageContext page, Section section)
    {
        Markup Item(string href, string text, Section target) => section == target
            ? Markup.Of($"<li><a href=\"{href}\" aria-current=\"page\">{text}</a></li>")
            : Markup.Of($"<li><a href=\"{href}\">{text}</a></li>");
        return Markup.Of($"""
            <nav class="main-nav" aria-label="{Ui.MainNavigation}"><ul>
            {Item("/config", Ui.NavConfiguration, Section.Configuration)}
            {Item("/plan", Ui.NavApply, Section.Apply)}
            {Item("/status", Ui.NavStatus, Section.Status)}
            </ul></nav>
            """);
    }

    private static Markup Languages(PageContext page)
    {
        var path = page.Http.Request.Path.Value ?? "/";
        Markup Link(string code, string label) => PageContext.Language == code
            ? Markup.Of($"<span class=\"lang current\" lang=\"{code}\" aria-current=\"true\">{label}</span>")
            : Markup.Of($"<a class=\"lang\" lang=\"{code}\" hreflang=\"{code}\" href=\"{path}?lang={code}\">{label}</a>");
        return Markup.Of($"<span class=\"languages\" role=\"group\" aria-label=\"{Ui.Language}\">{Link("fr", "Français")}{Link("en", "English")}</span>");
    }

    private static Markup Session(PageContext page)
    {
        if (!page.Authenticated)
        {
            return Markup.Empty;
        }

        return Markup.Of($"""
            <form method="post" action="/logout" class="logout">
            {page.AntiforgeryField}
            <span class="user">{PasswordStore.UserName}</span>
            <button type="submit" class="link">{Ui.Logout}</button>
            </form>
            """);
    }
}
