using System.Globalization;
using System.Text;
using Portique.Core;

namespace Portique.Technologies.Lxc;

/// <summary>
/// What the driver reads from and writes into an unpacked image. The image is untrusted: a symbolic link in it must
/// never lead a write (or a read) out to the host, so links are never followed, only replaced.
/// </summary>
internal static class RootFileSystem
{
    /// <summary>
    /// <c>/etc/hostname</c>, <c>/etc/hosts</c> and <c>/etc/resolv.conf</c> as docker gives them to a container: the
    /// service name, and the bridge (lxc-net's dnsmasq) as name server.
    /// </summary>
    public static void WriteNetworkFiles(string rootfs, string name, string nameServer)
    {
        var etc = Path.Join(rootfs, "etc");
        if (IsLink(etc) || File.Exists(etc))
        {
            return;
        }

        Directory.CreateDirectory(etc);
        Write(etc, "hostname", name + "\n");
        Write(etc, "hosts", $"127.0.0.1\tlocalhost\n127.0.1.1\t{name}\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        Write(etc, "resolv.conf", $"nameserver {nameServer}\n");
    }

    /// <summary>
    /// The uid and gid the OCI <c>User</c> field asks for (<c>uid</c>, <c>uid:gid</c>, <c>name</c>, <c>name:group</c>),
    /// names looked up in the image's own <c>/etc/passwd</c> and <c>/etc/group</c>; empty: root.
    /// </summary>
    public static (int Uid, int Gid) ResolveUser(string user, string rootfs, string reference)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return (0, 0);
        }

        var parts = user.Split(':', 2);
        var passwd = ReadTable(Path.Join(rootfs, "etc", "passwd"));
        int uid;
        int? primaryGid = null;
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numericUid))
        {
            uid = numericUid;
            primaryGid = passwd.FirstOrDefault(e => e.Length > 3 && e[2] == parts[0]) is { } byUid ? ParseId(byUid[3]) : null;
        }
        else
        {
            var entry = passwd.FirstOrDefault(e => e.Length > 3 && e[0] == parts[0])
                ?? throw new RuntimeFailureException(Messages.FormatUnknownUser(parts[0], reference));
            uid = ParseId(entry[2]) ?? throw new RuntimeFailureException(Messages.FormatUnknownUser(parts[0], reference));
            primaryGid = ParseId(entry[3]);
        }

        if (parts.Length == 1 || parts[1].Length == 0)
        {
            return (uid, primaryGid ?? 0);
        }

        if (ParseId(parts[1]) is { } gid)
        {
            return (uid, gid);
        }

        var group = ReadTable(Path.Join(rootfs, "etc", "group")).FirstOrDefault(e => e.Length > 2 && e[0] == parts[1])
            ?? throw new RuntimeFailureException(Messages.FormatUnknownUser(parts[1], reference));
        return (uid, ParseId(group[2]) ?? throw new RuntimeFailureException(Messages.FormatUnknownUser(parts[1], reference)));
    }

    private static int? ParseId(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static List<string[]> ReadTable(string path)
    {
        // A link could point at the host's own files: only a regular file of the image is read.
        if (IsLink(path) || IsLink(Path.GetDirectoryName(path)!) || !File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path, Encoding.UTF8)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':'))
            .ToList();
    }

    private static void Write(string etc, string file, string content)
    {
        var path = Path.Join(etc, file);
        if (Directory.Exists(path) && !IsLink(path))
        {
            return;
        }

        if (IsLink(path))
        {
            File.Delete(path);
        }

        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
        };
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;
}
