namespace Portique.Configuration;

/// <summary>
/// The type of a dictionary variable: the Creole types administrators already know, plus the
/// Portique types that make container values safe to put in paths, DNS names and nginx files.
/// <see cref="VariableTypes"/> maps each to its dictionary spelling and validates values.
/// </summary>
public enum VariableType
{
    /// <summary><c>string</c>: any text.</summary>
    String,

    /// <summary><c>number</c>: a signed integer (typed value <see cref="long"/>).</summary>
    Number,

    /// <summary><c>oui/non</c>: exactly <c>oui</c> or <c>non</c>.</summary>
    OuiNon,

    /// <summary><c>on/off</c>: exactly <c>on</c> or <c>off</c>.</summary>
    OnOff,

    /// <summary><c>port</c>: an integer from 1 to 65535 (typed value <see cref="long"/>).</summary>
    Port,

    /// <summary><c>ip</c>: a dotted IPv4 address.</summary>
    Ip,

    /// <summary><c>netmask</c>: a contiguous dotted IPv4 mask.</summary>
    Netmask,

    /// <summary><c>network</c>: a dotted IPv4 network address.</summary>
    Network,

    /// <summary><c>domain</c>: a DNS name with at least two labels.</summary>
    Domain,

    /// <summary><c>hostname</c>: a single DNS label.</summary>
    Hostname,

    /// <summary><c>web_address</c>: an http or https URL.</summary>
    WebAddress,

    /// <summary><c>unix_filename</c>: letters, digits and <c>. _ ~ / + -</c>.</summary>
    UnixFilename,

    /// <summary><c>mail</c>: an e-mail address.</summary>
    Mail,

    /// <summary><c>password</c>: any single-line text; never echoed in messages.</summary>
    Password,

    /// <summary><c>service_name</c> (Portique): a DNS label that is also safe as URL segment, nginx token and container name.</summary>
    ServiceName,

    /// <summary><c>absolute_path</c> (Portique): a normalised absolute path.</summary>
    AbsolutePath,

    /// <summary><c>host_path</c> (Portique): an absolute path of the host that is not system-critical.</summary>
    HostPath,

    /// <summary><c>key_value</c> (Portique): <c>KEY=VALUE</c>, as for an environment variable.</summary>
    KeyValue,

    /// <summary><c>memory_size</c> (Portique): bytes, or a number followed by K, M, G or T (powers of 1024), 6M to 1T.</summary>
    MemorySize,

    /// <summary><c>cpus</c> (Portique): a number of processors, a positive decimal with at most two decimals, 0.01 to 1024.</summary>
    Cpus,

    // EOLE's other Creole types (issue 11), validated by EoleTypes.

    /// <summary><c>boolean</c>: <c>True</c> or <c>False</c>.</summary>
    Boolean,

    /// <summary><c>yes/no</c>: <c>yes</c> or <c>no</c>.</summary>
    YesNo,

    /// <summary><c>schedule</c>: <c>none</c>, <c>daily</c>, <c>weekly</c> or <c>monthly</c>.</summary>
    Schedule,

    /// <summary><c>schedulemod</c>: <c>pre</c> or <c>post</c>.</summary>
    ScheduleMod,

    /// <summary><c>domain_strict</c>: a domain name, no IP address.</summary>
    DomainStrict,

    /// <summary><c>hostname_strict</c>: a host name, no IP address.</summary>
    HostnameStrict,

    /// <summary><c>netbios</c>: a NetBIOS name, 1 to 15 letters, digits or dashes.</summary>
    Netbios,

    /// <summary><c>unix_user</c>: a Unix account name.</summary>
    UnixUser,

    /// <summary><c>filename</c>: as <c>unix_filename</c>.</summary>
    Filename,

    /// <summary><c>network_cidr</c>: a network in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    NetworkCidr,

    /// <summary><c>ip_cidr</c> / <c>cidr</c>: an address with its prefix length (<c>10.1.2.3/24</c>).</summary>
    IpCidr,

    /// <summary><c>local_ip</c>: a private IPv4 address.</summary>
    LocalIp,

    /// <summary><c>broadcast</c>: a dotted IPv4 broadcast address.</summary>
    Broadcast,

    /// <summary><c>mac</c>: a MAC address.</summary>
    Mac,

    /// <summary><c>date</c>: <c>YYYY-MM-DD</c>.</summary>
    Date,

    /// <summary><c>float</c>: a decimal number.</summary>
    Float,

    /// <summary><c>symlink</c>: a value that mirrors another variable (any text).</summary>
    Symlink,

    /// <summary><c>server_names</c> (Portique): nginx <c>server_name</c> values: host names (wildcards <c>*.x</c>, <c>x.*</c>), IPv4 addresses or <c>_</c>, separated by spaces.</summary>
    ServerNames,

    /// <summary><c>plain_path</c> (Portique): an absolute path without whitespace, <c>; { } " ' $ # \ `</c>: safe as one word of a generated file.</summary>
    PlainPath,
}
