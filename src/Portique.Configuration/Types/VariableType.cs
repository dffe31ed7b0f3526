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

    /// <summary><c>server_names</c> (Portique): nginx <c>server_name</c> values: host names (wildcards <c>*.x</c>, <c>x.*</c>), IPv4 addresses or <c>_</c>, separated by spaces.</summary>
    ServerNames,

    /// <summary><c>plain_path</c> (Portique): an absolute path without whitespace, <c>; { } " ' $ # \ `</c>: safe as one word of a generated file.</summary>
    PlainPath,
}
