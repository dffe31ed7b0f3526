using Portique.Technologies.Shared;
using Portique.TestSupport;

namespace Portique.Orchestration.Tests;

/// <summary>Reading an instance's use from copies of /proc and /sys/fs/cgroup, for both cgroup hierarchies.</summary>
public sealed class CgroupUsageTests : IDisposable
{
    private readonly TempRoot _temp = new("portique-cgroup-");

    public void Dispose() => _temp.Dispose();

    private string Write(string relative, string content)
    {
        var path = Path.Join(_temp.Root.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task On_the_unified_hierarchy_memory_is_current_minus_inactive_file_pages()
    {
        Write("proc/42/cgroup", "0::/lxc.payload.web\n");
        Write("cgroup/cgroup.controllers", "cpu memory\n");
        Write("cgroup/lxc.payload.web/memory.current", "52428800\n");
        Write("cgroup/lxc.payload.web/memory.stat", "anon 40000000\ninactive_file 10485760\nactive_file 1\n");
        Write("cgroup/lxc.payload.web/cpu.stat", "usage_usec 1000\nuser_usec 500\n");

        var usage = await new CgroupUsage(Path.Join(_temp.Root.Directory, "proc"), Path.Join(_temp.Root.Directory, "cgroup")).ReadAsync(42, CancellationToken.None);

        Assert.NotNull(usage);
        Assert.Equal(52428800L - 10485760L, usage.MemoryBytes);
        Assert.Equal(0m, usage.CpuPercent); // the file did not move during the sample
    }

    [Fact]
    public async Task On_cgroup_v1_memory_and_processor_time_come_from_their_own_controllers()
    {
        Write("proc/7/cgroup", "12:cpu,cpuacct:/libpod_parent/libpod-abc\n9:memory:/libpod_parent/libpod-abc\n1:name=systemd:/x\n");
        Write("cgroup/memory/libpod_parent/libpod-abc/memory.usage_in_bytes", "30000000\n");
        Write("cgroup/memory/libpod_parent/libpod-abc/memory.stat", "cache 5000000\ntotal_inactive_file 4000000\n");
        Write("cgroup/cpuacct/libpod_parent/libpod-abc/cpuacct.usage", "123456789\n");

        var usage = await new CgroupUsage(Path.Join(_temp.Root.Directory, "proc"), Path.Join(_temp.Root.Directory, "cgroup")).ReadAsync(7, CancellationToken.None);

        Assert.NotNull(usage);
        Assert.Equal(26000000L, usage.MemoryBytes);
        Assert.Equal(0m, usage.CpuPercent);
    }

    [Theory]
    [InlineData(99, "0::/web\n")] // no such process
    [InlineData(5, "9:memory:/../../../etc\n")] // a path leaving the mount
    [InlineData(5, "garbage")]
    public async Task A_process_gone_or_a_cgroup_that_cannot_be_read_gives_no_figure_and_no_error(int pid, string cgroup)
    {
        Write("proc/5/cgroup", cgroup);
        Write("cgroup/memory/web/memory.usage_in_bytes", "1\n");

        Assert.Null(await new CgroupUsage(Path.Join(_temp.Root.Directory, "proc"), Path.Join(_temp.Root.Directory, "cgroup")).ReadAsync(pid, CancellationToken.None));
    }
}
