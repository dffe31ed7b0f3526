using Portique.Planning;

namespace Portique.Technologies.Vagrant;

/// <summary>The vagrant provider a service's machine runs on.</summary>
public enum VagrantProvider
{
    /// <summary>A docker container from the service's OCI image (the same image the docker technology runs).</summary>
    Docker,

    /// <summary>A libvirt (KVM) virtual machine from a vagrant box.</summary>
    Libvirt,

    /// <summary>A VirtualBox virtual machine from a vagrant box.</summary>
    Virtualbox,
}

/// <summary>Tools, provider choice and timeouts of <see cref="VagrantDriver"/>. The defaults suit a Debian 12 / EOLE server.</summary>
public sealed record VagrantDriverOptions : LifecycleOptions
{
    /// <summary>The vagrant program: a name looked up in PATH, or a path.</summary>
    public string VagrantExecutable { get; init; } = "vagrant";

    /// <summary>
    /// The provider; null (the default) picks libvirt when libvirtd answers and the vagrant-libvirt plugin is there,
    /// else VirtualBox when VBoxManage runs, else docker. With libvirt or VirtualBox, <c>conteneurN_url</c> names a box.
    /// </summary>
    public VagrantProvider? Provider { get; init; }

    /// <summary>VAGRANT_HOME (boxes, machine index); null: <c>STATE/vagrant-home</c>, so each root keeps its own.</summary>
    public string? VagrantHome { get; init; }

    /// <summary>The docker program vagrant's docker provider runs (checked by <see cref="VagrantDriver.CheckAvailabilityAsync"/>).</summary>
    public string DockerExecutable { get; init; } = "docker";

    /// <summary>libvirtd's socket: its presence is the first sign libvirt is usable.</summary>
    public string LibvirtSocket { get; init; } = "/run/libvirt/libvirt-sock";

    /// <summary>VirtualBox's command line: VirtualBox is usable when it runs.</summary>
    public string VirtualBoxManage { get; init; } = "VBoxManage";

    /// <summary>The Docker Engine API version; null negotiates (as the docker driver does).</summary>
    public Version? DockerApiVersion { get; init; }

    /// <summary>The longest one vagrant command (<c>up</c>, <c>halt</c>, <c>destroy</c>, <c>box add</c>) may take.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a docker ping or a probe of a program may take in <see cref="VagrantDriver.CheckAvailabilityAsync"/>.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
