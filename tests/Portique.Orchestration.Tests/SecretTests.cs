using Portique.Planning;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary><c>conteneurN_secrets</c>: a password variable reaches the spec as a digest, the host as a root-only file.</summary>
public class SecretTests
{
    private const string Password = "S3cret-Value-42";

    private static Sandbox NewSandbox()
    {
        var sandbox = new Sandbox();
        PasswordDictionary.Install(sandbox.Temp.Root, Path.Join(AppContext.BaseDirectory, "share"), "mdp_base", "mdp_autre");
        return sandbox;
    }

    private static ValidationReport Validate(Sandbox sandbox) => sandbox.Workspace.Validate(sandbox.Workspace.Evaluate());

    [Fact]
    public void A_password_given_as_a_secret_reaches_the_spec_as_a_digest_and_the_environment_as_a_file_path_never_as_its_value()
    {
        using var sandbox = NewSandbox();
        sandbox.Store([.. Sandbox.Container(1, "base", 18081), ("conteneur1_secrets", ["DB_PASSWORD=mdp_base"]), ("mdp_base", [Password])]);

        var report = Validate(sandbox);

        Assert.Empty(report.Problems);
        var spec = Assert.Single(report.Desired.Services);
        var secret = Assert.Single(spec.Secrets);
        Assert.Equal(("DB_PASSWORD", "mdp_base", "/run/secrets/DB_PASSWORD"), (secret.Key, secret.Variable, secret.ContainerPath));
        Assert.Contains("DB_PASSWORD_FILE=/run/secrets/DB_PASSWORD", spec.EnvironmentWithSecrets);
        Assert.Contains("\"secrets\":[\"DB_PASSWORD=" + secret.Digest + "\"]", spec.CanonicalJson(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, spec.CanonicalJson(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, spec.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, string.Join("\n", spec.EnvironmentWithSecrets), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_password_changes_the_hash_the_same_one_keeps_it_and_two_services_sharing_one_get_different_digests()
    {
        using var sandbox = NewSandbox();
        sandbox.Store([("nombre_conteneur", ["2"]),
            .. Sandbox.Container(1, "one", 18081), ("conteneur1_secrets", ["DB_PASSWORD=mdp_base"]),
            .. Sandbox.Container(2, "two", 18082), ("conteneur2_secrets", ["DB_PASSWORD=mdp_base"]), ("mdp_base", [Password])]);
        var before = Validate(sandbox).Desired.Services;
        var again = Validate(sandbox).Desired.Services;
        sandbox.Store(("mdp_base", ["another-one"]));
        var after = Validate(sandbox).Desired.Services;

        Assert.Equal(before[0].SpecHash(), again[0].SpecHash());
        Assert.NotEqual(before[0].SpecHash(), after[0].SpecHash());
        Assert.NotEqual(before[0].Secrets[0].Digest, before[1].Secrets[0].Digest);
    }

    [Fact]
    public void A_service_without_secrets_keeps_its_canonical_form()
    {
        using var sandbox = NewSandbox();
        sandbox.Store([.. Sandbox.Container(1, "plain", 18081), ("mdp_base", [Password])]);

        var spec = Assert.Single(Validate(sandbox).Desired.Services);

        Assert.Empty(spec.Secrets);
        Assert.Equal(spec.Environment, spec.EnvironmentWithSecrets);
        Assert.DoesNotContain("secrets", spec.CanonicalJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker", "1BAD=mdp_base", "1BAD=mdp_base")]
    [InlineData("docker", "DB_PASSWORD=inconnue", "inconnue")]
    [InlineData("docker", "DB_PASSWORD=conteneur1_url", "conteneur1_url")]
    [InlineData("docker", "DB_PASSWORD=mdp_autre", "mdp_autre")]
    [InlineData("lxc", "DB_PASSWORD=mdp_base", "lxc")]
    [InlineData("qemu", "DB_PASSWORD=mdp_base", "qemu")]
    public void A_bad_secret_entry_is_refused_naming_the_variable_and_never_the_password(string technology, string entry, string named)
    {
        using var sandbox = NewSandbox();
        sandbox.Store([.. Sandbox.Container(1, "base", 18081), ("conteneur1_type", [technology]), ("conteneur1_secrets", [entry]), ("mdp_base", [Password])]);

        var problems = Validate(sandbox).Problems;

        var problem = Assert.Single(problems, p => p.Subject == "conteneur1_secrets");
        Assert.Contains(named, problem.Message, StringComparison.Ordinal);
        Assert.All(problems, p => Assert.DoesNotContain(Password, p.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_given_twice_is_refused()
    {
        using var sandbox = NewSandbox();
        sandbox.Store([.. Sandbox.Container(1, "base", 18081), ("conteneur1_secrets", ["K=mdp_base", "K=mdp_base"]), ("mdp_base", [Password])]);

        Assert.Single(Validate(sandbox).Problems, p => p.Subject == "conteneur1_secrets" && p.Message.Contains('K', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secret_files_are_written_root_only_and_removed_with_the_key_or_the_service()
    {
        using var sandbox = NewSandbox();
        sandbox.Store([.. Sandbox.Container(1, "base", 18081), ("conteneur1_secrets", ["DB_PASSWORD=mdp_base", "OTHER=mdp_base"]), ("mdp_base", [Password])]);
        var workspace = sandbox.Workspace;
        var configuration = workspace.Evaluate();
        var desired = workspace.Validate(configuration).Desired;
        var root = sandbox.Temp.Root;
        var file = desired.Services[0].Secrets[0].HostPath(root, "base");

        await SecretFiles.WriteAsync(root, configuration, desired, CancellationToken.None);

        Assert.Equal(Password, await File.ReadAllTextAsync(file));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(SecretFiles.Directory(root)));

        sandbox.Store(("conteneur1_secrets", ["DB_PASSWORD=mdp_base"]));
        configuration = workspace.Evaluate();
        desired = workspace.Validate(configuration).Desired;
        await SecretFiles.WriteAsync(root, configuration, desired, CancellationToken.None);
        Assert.Equal(["DB_PASSWORD"], Directory.EnumerateFiles(Path.GetDirectoryName(file)!).Select(Path.GetFileName));

        SecretFiles.Prune(root, new DesiredState([]));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }
}
