using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portique.Core;
using Portique.Frontend.Nginx.Resources;

namespace Portique.Frontend.Nginx;

/// <summary>
/// Publishes each service at <c>http(s)://server/name/</c> through nginx, from files rendered by the templates
/// <c>portique-nginx.conf</c>, <c>portique-frontend.conf</c> and <c>portique-service.conf</c>.
/// </summary>
/// <remarks>
/// <para>Files (keys of the desired set, relative to the nginx configuration directory <c>ROOT/etc/nginx</c>):</para>
/// <list type="bullet">
/// <item><c>nginx.conf</c>: the main configuration of a private master (<see cref="NginxLayout.Private"/> only; ignored
/// for <see cref="NginxLayout.System"/>, where Debian's stays untouched).</item>
/// <item><c>portique/NAME.conf</c>: included in the <c>http</c> block (<c>portique/frontend.conf</c>).</item>
/// <item><c>portique/services/NAME.conf</c>: included in the frontend's <c>server</c> block, one per service
/// (<c>conteneurN.conf</c>). Each must start with <see cref="ManagedMarker"/>: that line is how Portique recognises
/// its own files, so that a service file no longer desired is removed and a file somebody else put there is never
/// touched.</item>
/// <item><c>portique/amont/NAME.conf</c>: included in the <c>http</c> block by <c>frontend.conf</c>, one per swarm
/// service: the upstream of its nodes when the swarm has several (docs/multi-host.md). Marked and removed like the others.</item>
/// <item><c>portique/stream/NAME.conf</c>: included in the <c>stream</c> block (host ports the frontend publishes on
/// the private network, docs/network.md), one per service, marked and removed like the service files. The private
/// master's <c>nginx.conf</c> holds that block itself.</item>
/// <item><see cref="NginxLayout.System"/> only: <c>sites-enabled/portique.conf</c>, written by the adapter itself,
/// includes <c>/etc/nginx/portique/*.conf</c> from Debian's <c>http</c> block; and, only while some stream file
/// publishes a port, <c>modules-enabled/90-portique-stream.conf</c>: a <c>stream</c> block including
/// <c>/etc/nginx/portique/stream/*.conf</c> at the main level (after Debian's <c>50-mod-stream.conf</c> loads the
/// module). An nginx that has a <c>stream</c> block of its own refuses a second one: <c>nginx -t</c> says so and
/// nothing is installed.</item>
/// </list>
/// <para>State under <c>ROOT/var/lib/portique/</c>: <c>nginx-staging/</c> (the candidate configuration under test),
/// <c>nginx-last-good/</c> (Portique's files as they were before the last change), <c>nginx-reload-pending</c>
/// (present between installing files and nginx taking them: the next run reloads even if nothing changed).</para>
/// </remarks>
public sealed class NginxFrontend : IFrontend
{
    /// <summary>The first line of every file Portique writes under <c>portique/services/</c>.</summary>
    public const string ManagedMarker = "# portique:managed";

    /// <summary>The include file written in <see cref="NginxLayout.System"/>, relative to the configuration directory.</summary>
    public const string SystemIncludeFile = "sites-enabled/portique.conf";

    /// <summary>The <c>stream</c> block written in <see cref="NginxLayout.System"/> while some service's port is published.</summary>
    public const string SystemStreamIncludeFile = "modules-enabled/90-portique-stream.conf";

    private const string MainConfigKey = "nginx.conf";
    private const string ServicesPrefix = "portique/services/";
    private const string StreamPrefix = "portique/stream/";

    /// <summary>Upstreams of services served by several machines (a swarm of several nodes), at the <c>http</c> level.</summary>
    private const string UpstreamsPrefix = "portique/amont/";
    private const string PortiquePrefix = "portique/";
    private const string WrapperName = "portique-test.conf";
    private const string DefaultPidFile = "/run/nginx.pid";
    private const string NginxPrefix = "/usr/share/nginx";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>How long nginx may still take a reload after logging an error (it retries a busy port 5 times, 500 ms apart).</summary>
    private static readonly TimeSpan RefusalGrace = TimeSpan.FromSeconds(3);

    private static readonly string[] RuntimePathDirectives =
    [
        "pid", "error_log", "access_log", "client_body_temp_path", "proxy_temp_path",
        "fastcgi_temp_path", "uwsgi_temp_path", "scgi_temp_path",
    ];

    private readonly NginxFrontendOptions _options;
    private int _reloadCount;

    public NginxFrontend(PortiqueRoot root, NginxFrontendOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        this._options = options ?? new NginxFrontendOptions();
        Layout = this._options.Layout ?? (root.IsSystemRoot ? NginxLayout.System : NginxLayout.Private);
        ConfigDirectory = root.Resolve("/etc/nginx");
        MainConfigPath = Path.Join(ConfigDirectory, MainConfigKey);
        StagingDirectory = Path.Join(root.StateDirectory, "nginx-staging");
        LastGoodDirectory = Path.Join(root.StateDirectory, "nginx-last-good");
        ReloadPendingPath = Path.Join(root.StateDirectory, "nginx-reload-pending");
        CertificatePath = root.Resolve("/etc/portique/ssl/portique.crt");
        KeyPath = root.Resolve("/etc/portique/ssl/portique.key");
    }

    public PortiqueRoot Root { get; }

    public NginxLayout Layout { get; }

    /// <summary><c>ROOT/etc/nginx</c>: the desired files' keys are relative to it.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The file given to <c>nginx -c</c>: <c>ROOT/etc/nginx/nginx.conf</c> (Debian's at the system root).</summary>
    public string MainConfigPath { get; }

    public string StagingDirectory { get; }

    public string LastGoodDirectory { get; }

    public string ReloadPendingPath { get; }

    /// <summary>The self-signed certificate used when none is configured (<c>ROOT/etc/portique/ssl/portique.crt</c>).</summary>
    public string CertificatePath { get; }

    /// <summary>Its private key, mode 0600 (<c>ROOT/etc/portique/ssl/portique.key</c>).</summary>
    public string KeyPath { get; }

    /// <summary>How many graceful reloads this instance performed (and saw applied by new workers).</summary>
    public int ReloadCount => Volatile.Read(ref _reloadCount);

    /// <summary>
    /// Which files applying <paramref name="desiredFiles"/> would add, change or remove. Reads only: no side effect.
    /// Only files of <c>portique/services/</c>, <c>portique/stream/</c> and <c>portique/amont/</c> starting with
    /// <see cref="ManagedMarker"/> are ever removed.
    /// </summary>
    /// <exception cref="ArgumentException">A key is not a path Portique may write, or a service file lacks the marker.</exception>
    public async Task<FrontendChange> PlanAsync(IReadOnlyDictionary<string, string> desiredFiles, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var files = DesiredContents(desiredFiles);
        return await CompareAsync(files, cancellationToken);
    }

    /// <summary>
    /// Makes the installed files equal to <paramref name="desiredFiles"/> and nginx serve them. Nothing changed and the
    /// master runs: no write, no reload (<see cref="FrontendAction.None"/>). Otherwise the candidate configuration is
    /// tested in a staging copy first (<c>nginx -t</c>); refused, nothing is installed and
    /// <see cref="FrontendConfigurationException"/> says which file and line. Accepted, the files are installed
    /// atomically, tested in place once more (refused: the previous files are put back), then the master reloads
    /// gracefully, or is started when none runs (a stale pid file is ignored).
    /// </summary>
    public async Task<FrontendResult> ApplyAsync(IReadOnlyDictionary<string, string> desiredFiles, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var files = DesiredContents(desiredFiles);
        var change = await CompareAsync(files, cancellationToken);
        var master = FindMaster();
        var reloadPending = File.Exists(ReloadPendingPath);

        if (!change.HasChanges)
        {
            if (master is int running)
            {
                if (!reloadPending)
                {
                    return new FrontendResult(change, FrontendAction.None);
                }

                await ReloadAsync(running, restored: false, cancellationToken);
                DeleteQuietly(ReloadPendingPath);
                return new FrontendResult(change, FrontendAction.Reloaded);
            }

            await StartMasterAsync(restored: false, cancellationToken);
            DeleteQuietly(ReloadPendingPath);
            return new FrontendResult(change, FrontendAction.Started);
        }

        await TestCandidateAsync(files, change, cancellationToken);

        try
        {
            SaveLastGood();
            WritePending();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing installed yet: the running configuration is untouched.
            throw new RuntimeFailureException(Messages.FormatFileOperationFailed(Root.StateDirectory, ex.Message), ex);
        }

        var touched = change.All.ToList();
        var signalled = false;
        try
        {
            Install(files, change);
            EnsureRuntimeDirectories(MainConfigPath);

            var check = await RunNginxAsync(["-t", "-c", MainConfigPath], cancellationToken);
            if (check.ExitCode != 0)
            {
                throw Rejected(check.Output, installed: true);
            }

            FrontendAction action;
            signalled = true;
            if (master is int pid)
            {
                await ReloadAsync(pid, restored: true, cancellationToken);
                action = FrontendAction.Reloaded;
            }
            else
            {
                await StartMasterAsync(restored: true, cancellationToken);
                action = FrontendAction.Started;
            }

            DeleteQuietly(ReloadPendingPath);
            return new FrontendResult(change, action);
        }
        catch (Exception ex) when (!signalled || ex is RuntimeFailureException)
        {
            // Before nginx was told, or when it did not take the new files: the previous ones go back.
            // (Cancelled after the signal: the files stay, and the pending marker makes the next run reload.)
            try
            {
                Restore(touched);
            }
            catch (Exception restoreFailure) when (restoreFailure is IOException or UnauthorizedAccessException)
            {
                throw new RuntimeFailureException(
                    Messages.FormatFileOperationFailed(ConfigDirectory, restoreFailure.Message), new AggregateException(ex, restoreFailure));
            }

            DeleteQuietly(ReloadPendingPath);
            if (ex is IOException or UnauthorizedAccessException)
            {
                throw new RuntimeFailureException(Messages.FormatFileOperationFailed(ConfigDirectory, ex.Message), ex);
            }

            throw;
        }
    }

    /// <summary>
    /// Creates the self-signed pair <see cref="CertificatePath"/> / <see cref="KeyPath"/> when either is missing (RSA 2048,
    /// SHA-256, 10 years, SAN = the server names, else <c>localhost</c>, plus 127.0.0.1; key mode 0600). Call it when no
    /// certificate is configured. An existing pair is kept as is.
    /// </summary>
    /// <param name="serverName">nginx's <c>server_name</c> value (<c>_</c>, empty or null: none).</param>
    public Task<SelfSignedCertificate> EnsureSelfSignedCertificateAsync(string? serverName, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (File.Exists(CertificatePath) && File.Exists(KeyPath))
        {
            return Task.FromResult(new SelfSignedCertificate(CertificatePath, KeyPath, Created: false));
        }

        try
        {
            var (certificatePem, keyPem) = SelfSignedCertificates.Create(serverName, DateTimeOffset.UtcNow);
            cancellationToken.ThrowIfCancellationRequested();

            // Key first: a crash in between leaves the certificate missing, so the pair is made again next time.
            AtomicFile.Write(KeyPath, Utf8.GetBytes(keyPem), AtomicFile.PrivateMode);
            AtomicFile.Write(CertificatePath, Utf8.GetBytes(certificatePem), AtomicFile.PublicMode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new RuntimeFailureException(Messages.FormatCertificateFailed(CertificatePath, ex.Message), ex);
        }

        return Task.FromResult(new SelfSignedCertificate(CertificatePath, KeyPath, Created: true));
    }

    /// <summary>True when the pid file names a live nginx master (for a non-system root: one started on this root's configuration).</summary>
    public Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(FindMaster() is not null);
    }

    /// <summary>Stops the master gracefully (<c>nginx -s quit</c>; <c>-s stop</c> if it lingers) and waits for it to exit. No master: nothing to do.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (FindMaster() is not int pid)
        {
            return;
        }

        foreach (var signal in new[] { "quit", "stop" })
        {
            var run = await RunNginxAsync(["-s", signal, "-c", MainConfigPath], cancellationToken);
            if (run.ExitCode != 0 && ProcFs.IsAlive(pid))
            {
                throw new RuntimeFailureException(Messages.FormatNginxCommandFailed(NginxText.JoinForDisplay(_options.NginxBinary, ["-s", signal, "-c", MainConfigPath]), run.ExitCode, Detail(run.Output)));
            }

            if (await WaitUntilAsync(() => !ProcFs.IsAlive(pid), cancellationToken))
            {
                return;
            }
        }

        throw new RuntimeFailureException(Messages.FormatStopFailed(pid, Tool.Seconds(_options.ProcessTimeout)));
    }

    /// <summary>The live master's pid, or null (no pid file, a stale one, or a pid that is not this configuration's master).</summary>
    internal int? FindMaster()
    {
        var pidFile = PidFilePath();
        string text;
        try
        {
            text = File.ReadAllText(pidFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0 || !ProcFs.IsAlive(pid))
        {
            return null;
        }

        var title = ProcFs.CommandLine(pid);
        if (title is null || !title.StartsWith("nginx: master process", StringComparison.Ordinal))
        {
            return null;
        }

        // At "/" the distribution may start nginx without -c; under another root only our own master counts.
        if (!Root.IsSystemRoot)
        {
            var option = " -c " + MainConfigPath;
            if (!title.EndsWith(option, StringComparison.Ordinal) && !title.Contains(option + " ", StringComparison.Ordinal))
            {
                return null;
            }
        }

        return pid;
    }

    /// <summary>The live workers of the running master (empty when none runs).</summary>
    internal IReadOnlyList<int> WorkerPids() =>
        FindMaster() is int pid ? ProcFs.NginxWorkers(pid).Where(w => !w.ShuttingDown).Select(w => w.Pid).Order().ToList() : [];

    internal string PidFilePath()
    {
        if (_options.PidFile is not null)
        {
            return _options.PidFile;
        }

        var configured = File.Exists(MainConfigPath) ? NginxText.FirstValue(ReadText(MainConfigPath), "pid") : null;
        return configured is null ? DefaultPidFile : AbsoluteNginxPath(configured);
    }

    private SortedDictionary<string, byte[]> DesiredContents(IReadOnlyDictionary<string, string> desiredFiles)
    {
        ArgumentNullException.ThrowIfNull(desiredFiles);
        if (desiredFiles is TemplatedNginxDictionary templated)
        {
            EnsureTemplateShape(templated);
        }

        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, content) in desiredFiles)
        {
            ArgumentNullException.ThrowIfNull(content);
            if (!IsWritableKey(key))
            {
                throw new ArgumentException(
                    $"'{key}' is not a file Portique writes: expected nginx.conf, portique/NAME.conf, portique/services/NAME.conf, portique/stream/NAME.conf or portique/amont/NAME.conf.",
                    nameof(desiredFiles));
            }

            if (key == MainConfigKey && Layout == NginxLayout.System)
            {
                continue;
            }

            if (OwnedPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)) && !IsMarked(content))
            {
                throw new ArgumentException(
                    $"'{key}' does not start with '{ManagedMarker}': Portique could not recognise it as its own to remove it later.",
                    nameof(desiredFiles));
            }

            files[key] = Utf8.GetBytes(content);
        }

        if (Layout == NginxLayout.System)
        {
            files[SystemIncludeFile] = Utf8.GetBytes(
                $"{ManagedMarker} - frontal Portique dans le nginx du système (fichier généré, ne pas modifier)\n" +
                $"include {Path.Join(ConfigDirectory, "portique")}/*.conf;\n");
            if (PublishesStream(files))
            {
                files[SystemStreamIncludeFile] = Utf8.GetBytes(
                    $"{ManagedMarker} - ports publiés par le frontal Portique (réseau privé, fichier généré, ne pas modifier)\n" +
                    $"stream {{\n    include {Path.Join(ConfigDirectory, "portique", "stream")}/*.conf;\n}}\n");
            }
        }

        return files;
    }

    /// <summary>
    /// Refuses (exit 2, nothing staged) every file whose directives differ in shape from the same template rendered for
    /// safe values: the templates' own structure is the only structure a value may produce.
    /// </summary>
    private static void EnsureTemplateShape(TemplatedNginxDictionary templated)
    {
        var problems = new List<Diagnostic>();
        foreach (var (key, content) in templated)
        {
            if (templated.SafeRendering.TryGetValue(key, out var reference)
                && NginxShape.FirstDifference(content, reference) is { } difference)
            {
                problems.Add(new Diagnostic($"{key}:{difference.Line}", Messages.FormatShapeDiffers(difference.Shape)));
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationInvalidException(problems);
        }
    }

    /// <summary>Whether an installed stream file publishes a host port (a <c>server</c>): nginx then holds that port.</summary>
    public bool PublishesStreamPorts()
    {
        var folder = Path.Join(ConfigDirectory, StreamPrefix);
        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.conf").Any(f => HasDirective(File.ReadAllBytes(f)));
    }

    /// <summary>Whether some desired stream file publishes a port.</summary>
    private static bool PublishesStream(SortedDictionary<string, byte[]> files) =>
        files.Any(f => f.Key.StartsWith(StreamPrefix, StringComparison.Ordinal) && HasDirective(f.Value));

    /// <summary>A line other than a comment: a stream file with only its marker publishes nothing.</summary>
    private static bool HasDirective(byte[] content) =>
        Utf8.GetString(content).Split('\n').Select(l => l.Trim()).Any(l => l.Length > 0 && !l.StartsWith('#'));

    private static bool IsWritableKey(string key)
    {
        if (key == MainConfigKey)
        {
            return true;
        }

        var name = key.StartsWith(ServicesPrefix, StringComparison.Ordinal) ? key[ServicesPrefix.Length..]
            : key.StartsWith(StreamPrefix, StringComparison.Ordinal) ? key[StreamPrefix.Length..]
            : key.StartsWith(UpstreamsPrefix, StringComparison.Ordinal) ? key[UpstreamsPrefix.Length..]
            : key.StartsWith(PortiquePrefix, StringComparison.Ordinal) ? key[PortiquePrefix.Length..]
            : null;
        return name is { Length: > 5 }
            && name.EndsWith(".conf", StringComparison.Ordinal)
            && char.IsAsciiLetterOrDigit(name[0])
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
    }

    /// <summary>The folders whose files are one per service: each must carry <see cref="ManagedMarker"/>, and is removed once no longer desired.</summary>
    private static readonly string[] OwnedPrefixes = [ServicesPrefix, StreamPrefix, UpstreamsPrefix];

    private static bool IsMarked(string content) =>
        content.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)?.StartsWith(ManagedMarker, StringComparison.Ordinal) == true;

    private async Task<FrontendChange> CompareAsync(SortedDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        var added = new List<string>();
        var changed = new List<string>();
        foreach (var (key, content) in files)
        {
            var path = Path.Join(ConfigDirectory, key);
            if (!File.Exists(path))
            {
                added.Add(key);
            }
            else if (!(await File.ReadAllBytesAsync(path, cancellationToken)).AsSpan().SequenceEqual(content))
            {
                changed.Add(key);
            }
        }

        var removed = new List<string>();
        foreach (var prefix in OwnedPrefixes)
        {
            var folder = Path.Join(ConfigDirectory, prefix);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(folder, "*.conf").Order(StringComparer.Ordinal))
            {
                var key = prefix + Path.GetFileName(path);
                if (!files.ContainsKey(key) && IsMarked(await File.ReadAllTextAsync(path, cancellationToken)))
                {
                    removed.Add(key);
                }
            }
        }

        var streamInclude = Path.Join(ConfigDirectory, SystemStreamIncludeFile);
        if (Layout == NginxLayout.System && !files.ContainsKey(SystemStreamIncludeFile) && File.Exists(streamInclude)
            && IsMarked(await File.ReadAllTextAsync(streamInclude, cancellationToken)))
        {
            removed.Add(SystemStreamIncludeFile);
        }

        removed.Sort(StringComparer.Ordinal);
        return new FrontendChange(added, changed, removed);
    }

    /// <summary>Builds the candidate configuration in the staging directory and has nginx check it.</summary>
    private async Task TestCandidateAsync(SortedDictionary<string, byte[]> files, FrontendChange change, CancellationToken cancellationToken)
    {
        string candidate;
        try
        {
            candidate = PrepareStaging(files, change);
            EnsureRuntimeDirectories(candidate);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(Messages.FormatFileOperationFailed(StagingDirectory, ex.Message), ex);
        }

        try
        {
            var run = await RunNginxAsync(["-t", "-c", candidate], cancellationToken);
            if (run.ExitCode != 0)
            {
                var output = run.Output.Replace(StagingDirectory + "/", ConfigDirectory + "/", StringComparison.Ordinal);
                throw Rejected(output, installed: false);
            }
        }
        finally
        {
            DeleteDirectoryQuietly(StagingDirectory);
        }
    }

    /// <returns>The file to give <c>nginx -t -c</c>.</returns>
    private string PrepareStaging(SortedDictionary<string, byte[]> files, FrontendChange change)
    {
        DeleteDirectoryQuietly(StagingDirectory);
        Directory.CreateDirectory(StagingDirectory);
        if (Layout == NginxLayout.Private)
        {
            CopyDirectory(ConfigDirectory, StagingDirectory);
        }
        else
        {
            CopyDirectory(Path.Join(ConfigDirectory, "portique"), Path.Join(StagingDirectory, "portique"));
        }

        foreach (var (key, content) in files)
        {
            if (key is not SystemIncludeFile and not SystemStreamIncludeFile)
            {
                AtomicFile.Write(Path.Join(StagingDirectory, key), content, AtomicFile.PublicMode);
            }
        }

        foreach (var key in change.Removed.Where(k => k != SystemStreamIncludeFile))
        {
            File.Delete(Path.Join(StagingDirectory, key));
        }

        if (Layout == NginxLayout.Private)
        {
            return Path.Join(StagingDirectory, MainConfigKey);
        }

        // Dokku-style: the staged Portique files alone, in a minimal main configuration of their own.
        var wrapper = Path.Join(StagingDirectory, WrapperName);
        var temp = Path.Join(StagingDirectory, "temp");
        var mimeTypes = new[] { Path.Join(ConfigDirectory, "mime.types"), "/etc/nginx/mime.types" }.FirstOrDefault(File.Exists);
        var stream = files.ContainsKey(SystemStreamIncludeFile);
        var text = new StringBuilder()
            .Append("# Portique : enveloppe de test (nginx -t) des fichiers du frontal.\n");
        if (stream)
        {
            text.Append(CultureInfo.InvariantCulture, $"load_module {_options.StreamModule};\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"pid {StagingDirectory}/nginx-test.pid;\n")
            .Append("error_log stderr;\n")
            .Append("events {}\n")
            .Append("http {\n");
        if (mimeTypes is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    include {mimeTypes};\n");
        }

        foreach (var kind in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            text.Append(CultureInfo.InvariantCulture, $"    {kind}_temp_path {temp}/{kind};\n");
        }

        text.Append("    access_log off;\n")
            .Append("    include portique/*.conf;\n")
            .Append("}\n");
        if (stream)
        {
            text.Append("stream {\n    include portique/stream/*.conf;\n}\n");
        }

        Directory.CreateDirectory(temp);
        AtomicFile.Write(wrapper, Utf8.GetBytes(text.ToString()), AtomicFile.PublicMode);
        return wrapper;
    }

    /// <summary>
    /// Creates, under a non-system root, the directories the configuration's pid, logs and temp paths live in (nginx
    /// creates a temp path itself, not its parents). Paths outside the root are left alone.
    /// </summary>
    private void EnsureRuntimeDirectories(string mainConfiguration)
    {
        if (Root.IsSystemRoot || !File.Exists(mainConfiguration))
        {
            return;
        }

        var inside = Root.Directory.TrimEnd('/') + "/";
        foreach (var (_, value) in NginxText.Directives(ReadText(mainConfiguration), RuntimePathDirectives))
        {
            if (value.StartsWith(inside, StringComparison.Ordinal) && Path.GetDirectoryName(value) is { } directory)
            {
                Directory.CreateDirectory(directory);
            }
        }
    }

    /// <summary>Copies Portique's files, as they are now, to <see cref="LastGoodDirectory"/>.</summary>
    private void SaveLastGood()
    {
        DeleteDirectoryQuietly(LastGoodDirectory);
        Directory.CreateDirectory(LastGoodDirectory);
        CopyDirectory(Path.Join(ConfigDirectory, "portique"), Path.Join(LastGoodDirectory, "portique"));
        string[] singles = Layout == NginxLayout.Private ? [MainConfigKey] : [SystemIncludeFile, SystemStreamIncludeFile];
        foreach (var single in singles)
        {
            var source = Path.Join(ConfigDirectory, single);
            if (File.Exists(source))
            {
                var target = Path.Join(LastGoodDirectory, single);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target, overwrite: true);
            }
        }
    }

    private void Install(SortedDictionary<string, byte[]> files, FrontendChange change)
    {
        foreach (var key in change.Added.Concat(change.Changed))
        {
            AtomicFile.Write(Path.Join(ConfigDirectory, key), files[key], AtomicFile.PublicMode);
        }

        foreach (var key in change.Removed)
        {
            File.Delete(Path.Join(ConfigDirectory, key));
        }
    }

    /// <summary>Puts back, from <see cref="LastGoodDirectory"/>, every file this change touched.</summary>
    private void Restore(IEnumerable<string> touched)
    {
        foreach (var key in touched)
        {
            var saved = Path.Join(LastGoodDirectory, key);
            var installed = Path.Join(ConfigDirectory, key);
            if (File.Exists(saved))
            {
                AtomicFile.Write(installed, File.ReadAllBytes(saved), AtomicFile.PublicMode);
            }
            else
            {
                File.Delete(installed);
            }
        }
    }

    private async Task ReloadAsync(int master, bool restored, CancellationToken cancellationToken)
    {
        var before = ProcFs.Children(master).ToHashSet();
        var logOffset = ErrorLogLength();
        string[] arguments = ["-s", "reload", "-c", MainConfigPath];
        var run = await RunNginxAsync(arguments, cancellationToken);
        if (run.ExitCode != 0)
        {
            throw new RuntimeFailureException(Messages.FormatNginxCommandFailed(NginxText.JoinForDisplay(_options.NginxBinary, arguments), run.ExitCode, Detail(run.Output)));
        }

        // Applied when new workers serve and every old one is shutting down (it has closed its listening sockets, so
        // no new connection meets the old configuration). A refused reload keeps the old workers and logs an [emerg]:
        // once one is logged, nginx gets a grace period (it retries a busy port for 2.5 s) before the reload counts
        // as refused.
        NginxDiagnostic? refusal = null;
        var refusalSeen = Stopwatch.StartNew();
        var replaced = false;
        await WaitUntilAsync(
            () =>
            {
                if (!ProcFs.IsAlive(master))
                {
                    return true;
                }

                var serving = ProcFs.NginxWorkers(master).Where(w => !w.ShuttingDown).ToList();
                replaced = serving.Count > 0 && serving.All(w => !before.Contains(w.Pid));
                if (replaced)
                {
                    return true;
                }

                if (refusal is null && (refusal = NewErrorSince(logOffset)) is not null)
                {
                    refusalSeen.Restart();
                }

                return refusal is not null && refusalSeen.Elapsed > RefusalGrace;
            },
            cancellationToken);

        if (!ProcFs.IsAlive(master))
        {
            var died = Messages.FormatMasterDied(master, ErrorLogDetail(logOffset));
            throw new RuntimeFailureException(restored ? Messages.FormatStartFailedRestored(died) : Messages.FormatStartFailed(died));
        }

        if (!replaced)
        {
            var detail = refusal is not null ? Describe(refusal)
                : Messages.FormatNoNewWorkers(Tool.Seconds(_options.ProcessTimeout), ErrorLogDetail(logOffset));
            throw new RuntimeFailureException(restored ? Messages.FormatReloadNotApplied(detail) : Messages.FormatReloadFailed(detail));
        }

        Interlocked.Increment(ref _reloadCount);
    }

    private async Task StartMasterAsync(bool restored, CancellationToken cancellationToken)
    {
        var pidFile = PidFilePath();
        Func<object?, string> failure = restored ? Messages.FormatStartFailedRestored : Messages.FormatStartFailed;

        // FindMaster() said no master: whatever the pid file holds is stale. Under a non-system root, only a pid
        // file inside the root is ours to delete.
        if (Root.IsSystemRoot || pidFile.StartsWith(Root.Directory.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            DeleteQuietly(pidFile);
        }

        try
        {
            EnsureRuntimeDirectories(MainConfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeFailureException(failure(ex.Message), ex);
        }

        var logOffset = ErrorLogLength();
        var run = await RunNginxAsync(["-c", MainConfigPath], cancellationToken);
        if (run.ExitCode != 0)
        {
            var detail = NginxText.FirstError(run.Output) is null && NewErrorSince(logOffset) is { } logged ? Describe(logged) : Detail(run.Output);
            throw new RuntimeFailureException(failure(detail));
        }

        var up = await WaitUntilAsync(
            () => FindMaster() is int pid && ProcFs.NginxWorkers(pid).Any(w => !w.ShuttingDown),
            cancellationToken);
        if (!up)
        {
            throw new RuntimeFailureException(failure(
                Messages.FormatMasterNotUp(Tool.Seconds(_options.ProcessTimeout), pidFile, ErrorLogDetail(logOffset))));
        }
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (condition())
            {
                return true;
            }

            if (clock.Elapsed > _options.ProcessTimeout)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }
    }

    private static FrontendConfigurationException Rejected(string output, bool installed)
    {
        var error = NginxText.FirstError(output);
        var message = error is { File: not null, Line: not null }
            ? (installed ? Messages.FormatInstalledConfigurationRejectedAt(error.File, error.Line, error.Message) : Messages.FormatConfigurationRejectedAt(error.File, error.Line, error.Message))
            : (installed ? Messages.FormatInstalledConfigurationRejected(error?.Message ?? Detail(output)) : Messages.FormatConfigurationRejected(error?.Message ?? Detail(output)));
        return new FrontendConfigurationException(message, error?.File, error?.Line, error?.Message ?? output.Trim(), output);
    }

    private string? ErrorLogPath()
    {
        var configured = File.Exists(MainConfigPath) ? NginxText.FirstValue(ReadText(MainConfigPath), "error_log") : null;
        return configured is null || configured == "stderr" || configured.StartsWith("syslog:", StringComparison.Ordinal)
            ? null
            : AbsoluteNginxPath(configured);
    }

    private long ErrorLogLength()
    {
        try
        {
            return ErrorLogPath() is { } path && File.Exists(path) ? new FileInfo(path).Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The first error nginx logged past <paramref name="offset"/> (the log's length before a signal), or null.</summary>
    private NginxDiagnostic? NewErrorSince(long offset)
    {
        try
        {
            if (ErrorLogPath() is not { } path || !File.Exists(path))
            {
                return null;
            }

            using var stream = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length <= offset)
            {
                return null;
            }

            stream.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[(int)Math.Min(stream.Length - offset, 64 * 1024)];
            stream.ReadExactly(buffer);
            return NginxText.FirstError(Utf8.GetString(buffer));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string ErrorLogDetail(long offset)
    {
        if (NewErrorSince(offset) is { } error)
        {
            return Describe(error);
        }

        return ErrorLogPath() is { } path ? Messages.FormatSeeErrorLog(path) : Messages.NoDetail;
    }

    private static string Describe(NginxDiagnostic error) =>
        error.File is null ? error.Message : $"{error.File}:{error.Line}: {error.Message}";

    private static string Detail(string output)
    {
        if (NginxText.FirstError(output) is { } error)
        {
            return Describe(error);
        }

        var trimmed = output.Trim();
        return trimmed.Length > 0 ? trimmed : Messages.NoDetail;
    }

    private async Task<NginxRun> RunNginxAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var display = NginxText.JoinForDisplay(_options.NginxBinary, arguments);
        if (!File.Exists(_options.NginxBinary))
        {
            throw new RuntimeFailureException(Messages.FormatNginxMissing(_options.NginxBinary));
        }

        var messages = new ToolMessages(
            (_, seconds) => Messages.FormatNginxCommandTimedOut(display, seconds), (_, _) => Messages.FormatNginxMissing(_options.NginxBinary));
        var result = await Tool.RunAsync(_options.NginxBinary, arguments, _options.CommandTimeout, messages, cancellationToken);
        return new NginxRun(result.ExitCode, result.StandardError + result.StandardOutput);
    }

    private void WritePending()
    {
        AtomicFile.Write(ReloadPendingPath, Utf8.GetBytes(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) + "\n"), AtomicFile.PublicMode);
    }

    private static string AbsoluteNginxPath(string path) => path.StartsWith('/') ? path : Path.Join(NginxPrefix, path);

    private static string ReadText(string path) => File.ReadAllText(path, Utf8);

    private static void CopyDirectory(string source, string target)
    {
        if (!Directory.Exists(source))
        {
            return;
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Join(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(directory, Path.Join(target, Path.GetFileName(directory)));
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover only costs one extra check next time.
        }
    }

    private static void DeleteDirectoryQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next use empties it first.
        }
    }

    private sealed record NginxRun(int ExitCode, string Output);
}
