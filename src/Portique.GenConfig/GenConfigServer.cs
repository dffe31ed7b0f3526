using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using Portique.Core;
using Portique.Frontend.Nginx;
using Portique.GenConfig.Apply;
using Portique.Orchestration;

namespace Portique.GenConfig;

/// <summary>
/// <c>portique genconfig</c>: the web interface to configure and apply, EOLE's gen_config for Portique. Server-rendered
/// pages, a small script, cookie login, anti-forgery on every form. <see cref="Build"/> for hosts and tests,
/// <see cref="RunAsync"/> for the command line; <see cref="ConfigureServices"/> and <see cref="Configure"/> for any other host.
/// </summary>
public static class GenConfigServer
{
    internal const string AuthCookie = "portique-genconfig";
    internal const string AntiforgeryCookie = "portique-genconfig-csrf";
    internal const string LanguageCookie = "portique-genconfig-lang";
    internal const string StampClaim = "portique:password-stamp";
    internal const string SessionClaim = "portique:session";

    /// <summary>The largest request body genconfig reads (the form of 500 containers is far smaller).</summary>
    internal const long MaxRequestBodyBytes = 4 * 1024 * 1024;

    /// <summary>The most fields a form may carry.</summary>
    internal const int MaxFormFields = 20_000;

    private static readonly CultureInfo[] Cultures = [Localization.French, Localization.English];

    /// <summary>A Kestrel application listening on <see cref="GenConfigOptions.Listen"/> (https on request), not started.</summary>
    /// <exception cref="InvalidInputException">The listen address is not ADDR:PORT, or https has no certificate.</exception>
    public static WebApplication Build(GenConfigOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoint = ParseListen(options.Listen);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GenConfigServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // The keys live in a 0700 folder of the root, unencrypted at rest like the root's other secrets: no warning for that.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // genconfig's own lines (logins, saves with variable names only, applies): the administrator's audit trail.
        builder.Logging.AddFilter("Portique.GenConfig", LogLevel.Information);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        var certificate = options.Https ? LoadCertificate(options) : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endpoint, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        ConfigureServices(builder.Services, options);
        var app = builder.Build();
        Configure(app);
        return app;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> fires (Ctrl+C on the command line).</summary>
    public static async Task RunAsync(GenConfigOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var app = Build(options);
        await app.StartAsync(cancellationToken);
        options.Started?.Invoke(app.Urls.ToArray());
        await app.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>Registers genconfig's services: backend, apply coordinator, login, cookies, anti-forgery, data protection.</summary>
    public static void ConfigureServices(IServiceCollection services, GenConfigOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(options.Time);
        services.AddSingleton(_ => options.Backend?.Invoke(options)
            ?? new PortiqueBackend(new PortiqueServices(options.Root, options.ShippedDirectory)));
        services.AddSingleton<ApplyCoordinator>();
        services.AddSingleton(new PasswordStore(options.PasswordFile));
        services.AddSingleton(sp => new LoginThrottle(options.Time));
        services.AddSingleton<SessionRegistry>();
        services.AddRouting();
        services.Configure<FormOptions>(o =>
        {
            o.ValueCountLimit = MaxFormFields;
            o.BufferBodyLengthLimit = MaxRequestBodyBytes;
            o.MultipartBodyLengthLimit = MaxRequestBodyBytes;
        });
        // Only the names genconfig is reached by: never a Host header an attacker chose (redirects are relative anyway).
        services.AddHostFiltering(o =>
        {
            o.AllowedHosts = options.EffectiveAllowedHosts.ToList();
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = false;
        });

        var keys = Directory.CreateDirectory(options.KeysDirectory);
        File.SetUnixFileMode(keys.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        services.AddDataProtection()
            .SetApplicationName("portique-genconfig")
            .PersistKeysToFileSystem(keys);

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
            o.SuppressXFrameOptionsHeader = true;
        });

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = AuthCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/login";
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = context =>
            {
                // A new password ends every session opened with the previous one; a logout ends its own.
                var store = context.HttpContext.RequestServices.GetRequiredService<PasswordStore>();
                var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionRegistry>();
                var stamp = context.Principal?.FindFirst(StampClaim)?.Value;
                if (stamp is null || stamp != store.Stamp() || !sessions.IsOpen(context.Principal?.FindFirst(SessionClaim)?.Value))
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
            o.Events.OnRedirectToLogin = context =>
            {
                // Scripts (the live log, fragments) get a status, pages a redirect.
                if (context.Request.Path.StartsWithSegments("/apply/events", StringComparison.Ordinal)
                    || context.Request.Path.StartsWithSegments("/config/instances", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }
                else
                {
                    // Relative: the Host header the client sent never reaches the Location header.
                    var request = context.Request;
                    var back = (request.PathBase + request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
                    context.Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(back));
                }

                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
    }

    /// <summary>The pipeline: security headers, language, authentication, then the endpoints.</summary>
    public static void Configure(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(SecurityHeadersAsync);
        app.Use(RequestLimitsAsync);
        app.UseHostFiltering();
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Localization.French),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
            RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider { QueryStringKey = "lang", UIQueryStringKey = "lang" },
                new CookieRequestCultureProvider { CookieName = LanguageCookie },
            ],
        });
        app.Use(RememberLanguageAsync);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(Endpoints.Map);
    }

    internal static ClaimsPrincipal Principal(string stamp, string session) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, PasswordStore.UserName), new Claim(StampClaim, stamp), new Claim(SessionClaim, session)],
        CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Parses <c>ADDR:PORT</c> (IPv6 in brackets); <c>localhost</c> is the IPv4 loopback.</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var text = listen.Trim();
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            text = "127.0.0.1" + text["localhost".Length..];
        }

        return IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal) && endpoint.Port is >= 0 and <= 65535
            ? endpoint
            : throw new InvalidInputException("--listen", Ui.FormatBadListen(listen));
    }

    /// <summary>The frontend's certificate: <c>frontal_certificat</c>/<c>frontal_cle</c> when configured, else the self-signed pair.</summary>
    private static X509Certificate2 LoadCertificate(GenConfigOptions options)
    {
        var workspace = new Workspace(options.Root, options.ShippedDirectory ?? Workspace.DefaultShippedDirectory);
        var configuration = workspace.Evaluate();
        var certificate = configuration.Find("frontal_certificat") is { Disabled: false } c ? c.Values.FirstOrDefault() : null;
        var key = configuration.Find("frontal_cle") is { Disabled: false } k ? k.Values.FirstOrDefault() : null;
        if (string.IsNullOrEmpty(certificate) || string.IsNullOrEmpty(key))
        {
            var frontend = new NginxFrontend(options.Root);
            certificate = frontend.CertificatePath;
            key = frontend.KeyPath;
        }

        if (!File.Exists(certificate) || !File.Exists(key))
        {
            throw new InvalidInputException("--https", Ui.FormatCertificateMissing(certificate, key));
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificate, key);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidInputException("--https", Ui.FormatCertificateUnreadable(certificate, e.Message));
        }
    }

    private static Task SecurityHeadersAsync(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }
        if (!context.Request.Path.StartsWithSegments("/assets", StringComparison.Ordinal))
        {
            headers.CacheControl = "no-cache, no-store";
            headers.Pragma = "no-cache";
        }

        return next();
    }

    /// <summary>
    /// A body larger than <see cref="MaxRequestBodyBytes"/> gets 413, a form beyond the limits 400: a short answer and one
    /// log line, never a stack trace.
    /// </summary>
    private static async Task RequestLimitsAsync(HttpContext context, Func<Task> next)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxRequestBodyBytes;
        }

        if (context.Request.ContentLength > MaxRequestBodyBytes)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge);
            return;
        }

        try
        {
            await next();
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            await RefuseAsync(context, e.StatusCode);
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException && !context.Response.HasStarted)
        {
            // The anti-forgery check reads the form first: its limits surface wrapped.
            await RefuseAsync(context, e.InnerException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest);
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Portique.GenConfig")
            .LogWarning("genconfig: {Method} {Path} refused with {Status}: request too large or too many form fields", context.Request.Method, context.Request.Path, status);
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(status == StatusCodes.Status413PayloadTooLarge ? Ui.RequestTooLarge : Ui.RequestRefused, context.RequestAborted);
    }

    /// <summary><c>?lang=en</c> (or <c>fr</c>) is remembered in a cookie for the following pages.</summary>
    private static Task RememberLanguageAsync(HttpContext context, Func<Task> next)
    {
        var asked = context.Request.Query["lang"].FirstOrDefault();
        if (asked is "fr" or "en")
        {
            context.Response.Cookies.Append(
                LanguageCookie,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(asked)),
                new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                    MaxAge = TimeSpan.FromDays(365),
                    IsEssential = true,
                    Path = "/",
                });
        }

        return next();
    }
}
