using Portique.Core;

namespace Portique.Frontend.Nginx.Tests;

/// <summary>The second line of defence: a file whose structure differs from its safe rendering is never staged.</summary>
public sealed class ShapeTests : IDisposable
{
    private const string Safe = "server {\n    listen 80;\n    server_name portique-safe-value;\n    location / {\n        return 404;\n    }\n}\n";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("server {\n    listen 80;\n    server_name _;\n location /pwn { alias /etc/; autoindex on; }\n#;\n    location / {\n        return 404;\n    }\n}\n")]
    [InlineData("server {\n    listen 80;\n    server_name a b;\n    location / {\n        return 404;\n    }\n}\n")]
    [InlineData("server {\n    listen 80;\n    server_name \"a;\n    location / {\n        return 404;\n    }\n}\n")]
    [InlineData("server {\n    listen 80;\n    server_name a; }\n    location / {\n        return 404;\n    }\n}\n")]
    public void A_value_that_changes_the_structure_is_found(string actual)
    {
        Assert.NotNull(NginxShape.FirstDifference(actual, Safe));
    }

    [Fact]
    public void The_same_structure_with_other_words_quotes_and_comments_is_accepted()
    {
        const string Actual = "# a comment { ; }\nserver {\n    listen 80;\n    server_name \"portique.example.org\";\n    location / {\n        return 404;\n    }\n}\n";

        Assert.Null(NginxShape.FirstDifference(Actual, Safe));
    }

    [Fact]
    public async Task The_frontend_refuses_before_staging_naming_the_file_and_line()
    {
        var frontend = new NginxFrontend(new PortiqueRoot(_directory.Path), new NginxFrontendOptions { Layout = NginxLayout.Private });
        var injected = "# portique:managed\nlocation /web/ {\n    proxy_pass http://127.0.0.1:8080/;\n}\nlocation /pwn/ { alias /etc/; }\n";
        var safe = "# portique:managed\nlocation /web/ {\n    proxy_pass http://127.0.0.1:8080/;\n}\n";
        var files = new TemplatedNginxDictionary(
            new Dictionary<string, string> { ["portique/services/conteneur1.conf"] = injected },
            new Dictionary<string, string> { ["portique/services/conteneur1.conf"] = safe });

        var error = await Assert.ThrowsAsync<ConfigurationInvalidException>(() => frontend.ApplyAsync(files, CancellationToken.None));

        Assert.Equal("portique/services/conteneur1.conf:5", Assert.Single(error.Diagnostics).Subject);
        Assert.False(Directory.Exists(frontend.StagingDirectory));
        Assert.False(File.Exists(Path.Join(frontend.ConfigDirectory, "portique/services/conteneur1.conf")));
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("portique-shape-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
