using System.Net;
using System.Xml.Linq;
using CliWrap;
using CliWrap.Buffered;
using Portique.TestSupport;

namespace Portique.EndToEnd.Tests;

/// <summary>
/// Issue #12's real application, offline: WordPress from Debian's <c>wordpress</c> package and MariaDB from Debian's
/// <c>mariadb-server</c>, each in an image built here from Debian packages (<c>scripts/build-debian-image.sh</c>,
/// recipes in <c>images/</c>), configured only through Portique variables, the blog reaching its database by name.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BlogTests : IAsyncLifetime
{
    private const string Administrator = "admin";
    private const string AdministratorPassword = "Portique-test-Admin-1";

    private readonly Deployment _deployment = new();
    private readonly string _suffix = TestNetworks.SuffixWithDistinctAddresses("blog-", "db-");
    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    public Task InitializeAsync() => _deployment.InitializeAsync();

    private readonly List<string> _tags = [];

    public async Task DisposeAsync()
    {
        await _deployment.DisposeAsync();
        foreach (var tag in _tags)
        {
            await CliWrap.Cli.Wrap("docker").WithArguments(["image", "rm", tag])
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        }
    }

    [Fact]
    public async Task A_WordPress_blog_on_MariaDB_installs_posts_and_keeps_its_post_when_its_image_is_replaced()
    {
        var network = TestNetworks.Free();
        var blogImage = await PublishRecipeAsync("wordpress", "1.0");
        var databaseImage = await PublishRecipeAsync("mariadb", "1.0");
        var db = "db-" + _suffix;
        // The blog's path is its service name, as the frontend publishes it: WORDPRESS_PATH says it to the image.
        var blog = "blog-" + _suffix;
        var databaseData = _deployment.Root.PathOf("srv", db);
        var uploads = _deployment.Root.PathOf("srv", "blog-uploads");
        PasswordDictionary.Install(_deployment.Root.Root, Path.Join(AppContext.BaseDirectory, "share"), "mdp_blog");

        await _deployment.ConfigureAsync(
            "nombre_conteneur=2", "activer_reseau_conteneurs=oui", "reseau_conteneurs=" + network.Cidr,
            "mdp_blog=Blog'pass\\word \"quoted\"",
            $"conteneur1_name={blog}", "conteneur1_type=docker", $"conteneur1_url={blogImage}", "conteneur1_tag=1.0",
            $"conteneur1_repository={RequiredServices.Registry}", "conteneur1_port_in=80", "conteneur1_chemin_conserve=oui",
            "conteneur1_mountpoint_in=/var/lib/wordpress/wp-content/uploads", $"conteneur1_mountpoint_out={uploads}",
            $"conteneur1_environnement=WORDPRESS_DB_HOST={db}", $"conteneur1_environnement=WORDPRESS_PATH=/{blog}", "conteneur1_environnement=WORDPRESS_DB_NAME=blog",
            "conteneur1_environnement=WORDPRESS_DB_USER=blog", "conteneur1_secrets=WORDPRESS_DB_PASSWORD=mdp_blog",
            $"conteneur2_name={db}", "conteneur2_type=docker", $"conteneur2_url={databaseImage}", "conteneur2_tag=1.0",
            $"conteneur2_repository={RequiredServices.Registry}", "conteneur2_port_in=3306", "conteneur2_route_web=non",
            "conteneur2_mountpoint_in=/var/lib/mysql", $"conteneur2_mountpoint_out={databaseData}",
            "conteneur2_environnement=MARIADB_DATABASE=blog", "conteneur2_environnement=MARIADB_USER=blog",
            "conteneur2_secrets=MARIADB_PASSWORD=mdp_blog");
        // One row whose host port is empty for each: internal ports only, nginx reaches the blog on its private address.
        await _deployment.SucceedAsync("set", "conteneur1_port_out", "");
        await _deployment.SucceedAsync("set", "conteneur2_port_out", "");
        await _deployment.SucceedAsync("instance");

        // Installing: WordPress creates its tables in MariaDB, reached by the name db-XXXXXX.
        var install = await PostFormAsync($"/{blog}/wp-admin/install.php?step=2", new Dictionary<string, string>
        {
            ["weblog_title"] = "Blog de Portique " + _suffix,
            ["user_name"] = Administrator,
            ["admin_password"] = AdministratorPassword,
            ["admin_password2"] = AdministratorPassword,
            ["pw_weak"] = "1",
            ["admin_email"] = "admin@example.org",
            ["blog_public"] = "0",
        });
        Assert.True(install.Contains("wp-login.php", StringComparison.Ordinal), "install.php?step=2 did not succeed:\n" + install);
        Assert.Contains("Blog de Portique " + _suffix, await GetBlogAsync($"/{blog}/"));
        Assert.True(Directory.EnumerateFileSystemEntries(databaseData).Any(), "MariaDB wrote nothing in its volume " + databaseData);

        var postId = await NewPostAsync(blog, "Publié par Portique " + _suffix, "Ce billet survit au remplacement de l'image.");
        Assert.Contains("Publié par Portique " + _suffix, await GetBlogAsync($"/{blog}/?p={postId}"));

        // A new WordPress image (tag 2.0: the same recipe plus a file saying which image serves): one variable.
        await _deployment.Images.BuildAsync($"{RequiredServices.Registry}/{blogImage}:2.0", "2.0", new TestImageOptions
        {
            BaseImage = $"{RequiredServices.Registry}/{blogImage}:1.0",
            Command = ["/usr/local/bin/portique-wordpress"],
            Files = new Dictionary<string, string> { ["/usr/share/wordpress/portique-image.txt"] = "wordpress image 2.0\n" },
        });
        await PushAsync($"{blogImage}:2.0");
        await _deployment.SucceedAsync("set", "conteneur1_tag", "2.0");
        var plan = await _deployment.RunAsync("plan");
        Assert.Contains("tag: 1.0 → 2.0", plan.StandardOutput);
        await _deployment.SucceedAsync("reconfigure");

        Assert.Contains("wordpress image 2.0", await GetBlogAsync($"/{blog}/portique-image.txt"));
        Assert.Contains("Publié par Portique " + _suffix, await GetBlogAsync($"/{blog}/?p={postId}"));
        Assert.Equal(0, (await _deployment.RunAsync("plan")).ExitCode);
        // The database has no web route (conteneur2_route_web=non): nginx does not know /db-XXXXXX/, status gives no URL.
        using (var noRoute = await Http.GetAsync(Url($"/{db}/")))
        {
            Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        }

        var status = (await _deployment.SucceedAsync("status", "--json")).StandardOutput;
        Assert.Contains($"\"url\": \"http://127.0.0.1:{_deployment.HttpPort}/{blog}/\"", status, StringComparison.Ordinal);
        Assert.DoesNotContain($"/{db}/", status, StringComparison.Ordinal);
        // The database listens on the private network only.
        var listening = await CliWrap.Cli.Wrap("ss").WithArguments(["-ltnH"]).ExecuteBufferedAsync();
        Assert.DoesNotContain(":3306 ", listening.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// Builds <c>images/RECIPE</c> (once per machine: kept as <c>portique-images/RECIPE:KEY</c>) and pushes it to the
    /// local registry under this test's name. The name does not start with the run's id: the run's clean-up deletes
    /// such images by id, which would delete the machine's built image with them; <see cref="DisposeAsync"/> only
    /// untags it.
    /// </summary>
    private async Task<string> PublishRecipeAsync(string recipe, string tag)
    {
        var name = $"portique-blog-{_suffix}/{recipe}";
        var reference = $"{RequiredServices.Registry}/{name}:{tag}";
        _tags.Add(reference);
        var build = await CliWrap.Cli.Wrap(Path.Join(Repository.Root, "scripts", "build-debian-image.sh"))
            .WithArguments([Path.Join(Repository.Root, "images", recipe), reference, "--push"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        Assert.True(build.ExitCode == 0, $"build-debian-image.sh {recipe} failed ({build.ExitCode}):\n{build.StandardError}");
        return name;
    }

    private async Task PushAsync(string name)
    {
        var push = await CliWrap.Cli.Wrap("docker").WithArguments(["push", "-q", $"{RequiredServices.Registry}/{name}"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(push.ExitCode == 0, push.StandardError);
    }

    private Uri Url(string path) => new($"http://127.0.0.1:{_deployment.HttpPort}{path}");

    /// <summary>The page at <paramref name="path"/>, retried for a minute while the blog starts (502, connection refused).</summary>
    private async Task<string> GetBlogAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (true)
        {
            try
            {
                using var response = await Http.GetAsync(Url(path));
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"GET {path} did not answer 200 within 60 s; last: {last}");
            }

            await Task.Delay(1000);
        }
    }

    private async Task<string> PostFormAsync(string path, IReadOnlyDictionary<string, string> fields)
    {
        // Once the installation page answers: the blog has started and reached its database.
        await GetBlogAsync(path.Split('?')[0]);
        using var response = await Http.PostAsync(Url(path), new FormUrlEncodedContent(fields));
        return $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>Publishes a post through WordPress's XML-RPC API (wp.newPost) as the administrator; returns its id.</summary>
    private async Task<int> NewPostAsync(string blog, string title, string content)
    {
        static XElement Value(XElement inner) => new("value", inner);
        static XElement Member(string name, string value) => new("member", new XElement("name", name), Value(new XElement("string", value)));
        var call = new XDocument(new XElement("methodCall",
            new XElement("methodName", "wp.newPost"),
            new XElement("params",
                new XElement("param", Value(new XElement("int", 1))),
                new XElement("param", Value(new XElement("string", Administrator))),
                new XElement("param", Value(new XElement("string", AdministratorPassword))),
                new XElement("param", Value(new XElement("struct",
                    Member("post_title", title), Member("post_content", content), Member("post_status", "publish")))))));
        using var response = await Http.PostAsync(Url($"/{blog}/xmlrpc.php"), new StringContent(call.ToString(), System.Text.Encoding.UTF8, "text/xml"));
        var body = await response.Content.ReadAsStringAsync();
        var answer = XDocument.Parse(body);
        var id = answer.Descendants("params").Descendants("string").Select(e => e.Value).FirstOrDefault();
        Assert.True(int.TryParse(id, out var postId), "wp.newPost failed:\n" + body);
        return postId;
    }
}
