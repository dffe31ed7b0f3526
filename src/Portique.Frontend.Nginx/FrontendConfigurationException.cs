using Portique.Core;

namespace Portique.Frontend.Nginx;

/// <summary>
/// nginx refused a configuration (<c>nginx -t</c>). <see cref="File"/> is the real file the error is in (a staging
/// path is mapped back to where the file is, or would be, installed), <see cref="Line"/> its line, and
/// <see cref="NginxMessage"/> nginx's own words. The last good configuration is in place and serving.
/// </summary>
internal sealed class FrontendConfigurationException : RuntimeFailureException
{
    internal FrontendConfigurationException(string message, string? file, int? line, string nginxMessage, string nginxOutput)
        : base(message)
    {
        File = file;
        Line = line;
        NginxMessage = nginxMessage;
        NginxOutput = nginxOutput;
    }

    public string? File { get; }

    public int? Line { get; }

    public string NginxMessage { get; }

    /// <summary>Everything <c>nginx -t</c> printed, staging paths mapped back to real ones.</summary>
    public string NginxOutput { get; }
}
