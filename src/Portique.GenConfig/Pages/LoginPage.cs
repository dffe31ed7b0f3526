using Portique.GenConfig.Html;

namespace Portique.GenConfig.Pages;

/// <summary>The login form: the local administrator's password (set with <c>portique genconfig --set-password</c>).</summary>
internal static class LoginPage
{
    public static string Render(PageContext page, string? returnUrl, string? error, bool passwordSet)
    {
        ArgumentNullException.ThrowIfNull(page);
        var message = error is null ? Markup.Empty : Markup.Of($"<div class=\"summary\" role=\"alert\" id=\"login-error\"><p>{error}</p></div>");
        var missing = passwordSet ? Markup.Empty : Layout.Notice("info", Markup.Of($"<p>{Ui.NoPasswordSet}</p><pre><code>portique genconfig --set-password</code></pre>"), "alert");
        var content = Markup.Of($"""
            <section class="login card" aria-labelledby="login-heading">
              <h1 id="login-heading">{Ui.LoginTitle}</h1>
              <p class="lead">{Ui.LoginLead}</p>
              {missing}
              {message}
              <form method="post" action="/login" class="login-form">
                {page.AntiforgeryField}
                <input type="hidden" name="returnUrl" value="{returnUrl ?? ""}">
                <div class="stacked">
                  <label for="username">{Ui.UserName}</label>
                  <input type="text" id="username" name="username" value="{PasswordStore.UserName}" autocomplete="username" readonly>
                </div>
                <div class="stacked">
                  <label for="password">{Ui.Password}</label>
                  <input type="password" id="password" name="password" autocomplete="current-password" required autofocus{Markup.If(error is not null, Markup.Of($" aria-invalid=\"true\" aria-describedby=\"login-error\""))}>
                </div>
                <button type="submit" class="button primary">{Ui.LoginButton}</button>
              </form>
            </section>
            """);
        return Layout.Page(page, Ui.LoginTitle, Section.None, content, "login-page");
    }
}
