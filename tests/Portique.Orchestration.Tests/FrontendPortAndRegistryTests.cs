using Portique.Configuration;
using Portique.Core;

namespace Portique.Orchestration.Tests;

/// <summary>Values accepted before that broke later: refused when set, naming the variable.</summary>
public sealed class FrontendPortAndRegistryTests
{
    private static KeyValuePair<string, IReadOnlyList<string>> Assign(string name, params string[] values) => new(name, values);

    [Fact]
    public void The_frontends_http_and_https_ports_cannot_be_the_same()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));
        using var culture = new CultureScope(Localization.English);

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set([Assign("frontal_port_https", "80")], Owners.Portique));

        var problem = Assert.Single(error.Diagnostics);
        Assert.Equal("frontal_port_https", problem.Subject);
        Assert.Equal("port 80 is already frontal_port_http's: the frontend's http and https need different ports", problem.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:99999")]
    [InlineData("registry.example.org:0")]
    [InlineData("registry.example.org:65536")]
    public void A_registry_port_out_of_range_is_refused(string registry)
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));

        var error = Assert.Throws<ConfigurationInvalidException>(() => sandbox.Workspace.Set([Assign("conteneur1_repository", registry)], Owners.Portique));

        Assert.Equal("conteneur1_repository", Assert.Single(error.Diagnostics).Subject);
    }

    [Fact]
    public void A_registry_with_a_valid_port_is_accepted()
    {
        using var sandbox = new Sandbox();
        sandbox.Store(Sandbox.Container(1, "wiki", 18081));

        sandbox.Workspace.Set([Assign("conteneur1_repository", "registry.example.org:65535")], Owners.Portique);
    }

    private sealed class CultureScope : IDisposable
    {
        private readonly System.Globalization.CultureInfo _previous = System.Globalization.CultureInfo.CurrentUICulture;

        public CultureScope(System.Globalization.CultureInfo culture) => System.Globalization.CultureInfo.CurrentUICulture = culture;

        public void Dispose() => System.Globalization.CultureInfo.CurrentUICulture = _previous;
    }
}
