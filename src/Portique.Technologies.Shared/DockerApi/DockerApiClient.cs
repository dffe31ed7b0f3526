using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Docker.DotNet;
using Portique.Core;

namespace Portique.Technologies.Shared;

/// <summary>
/// The calling driver's (localized) texts for what goes wrong on the Engine API. Each <c>describe</c>-style message
/// receives the detail last: dockerd's own words, or why the daemon could not be reached.
/// </summary>
/// <param name="Unreachable">dockerd does not answer on the endpoint ({0}), for the reason given ({1}).</param>
/// <param name="Refused">dockerd on the endpoint ({0}) answered the first request with an error ({1}).</param>
/// <param name="ApiTooOld">dockerd on the endpoint ({0}) speaks an API ({1}) older than the oldest supported ({2}).</param>
/// <param name="ListFailed">Listing containers (or services, tasks) failed ({0}).</param>
/// <param name="InspectFailed">Inspecting a container (or service) ({0}) failed ({1}).</param>
/// <param name="InspectImageFailed">Inspecting an image ({0}) failed ({1}).</param>
internal sealed record DockerApiMessages(
    Func<object?, object?, string> Unreachable,
    Func<object?, object?, string> Refused,
    Func<object?, object?, object?, string> ApiTooOld,
    Func<object?, string> ListFailed,
    Func<object?, object?, string> InspectFailed,
    Func<object?, object?, string> InspectImageFailed);

/// <summary>
/// One Docker Engine API connection for one driver: the client for its endpoint, made on first use with the API version
/// negotiated once (<see cref="DockerEndpoint.ConnectAsync"/>), and the one rule that turns a failed call into the
/// <see cref="RuntimeFailureException"/> the administrator reads. The calls themselves are grouped by area in
/// <see cref="Containers"/>, <see cref="Images"/>, <see cref="Services"/> (swarm) and <see cref="Tasks"/>.
/// </summary>
internal sealed class DockerApiClient : IDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly Version? _apiVersion;
    private DockerClient? _client;

    /// <param name="endpoint">dockerd's endpoint.</param>
    /// <param name="apiVersion">The Engine API version to speak; null negotiates it with the daemon.</param>
    /// <param name="messages">The calling driver's texts for failures.</param>
    public DockerApiClient(Uri endpoint, Version? apiVersion, DockerApiMessages messages)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(messages);
        Endpoint = endpoint;
        _apiVersion = apiVersion;
        Messages = messages;
        Containers = new DockerContainerOperations(this);
        Images = new DockerImageOperations(this);
        Services = new DockerServiceOperations(this);
        Tasks = new DockerTaskOperations(this);
    }

    public Uri Endpoint { get; }

    public DockerApiMessages Messages { get; }

    public DockerContainerOperations Containers { get; }

    public DockerImageOperations Images { get; }

    public DockerServiceOperations Services { get; }

    public DockerTaskOperations Tasks { get; }

    /// <summary>
    /// Runs <paramref name="probe"/> within <paramref name="timeout"/> and says what stops the daemon from serving:
    /// null when it answered, else the message (unreachable, refused, API too old, or a timeout).
    /// </summary>
    public async Task<(T? Value, string? Problem)> ProbeAsync<T>(
        Func<DockerClient, CancellationToken, Task<T>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            var client = await ClientAsync(limit.Token);
            return (await probe(client, limit.Token), null);
        }
        catch (RuntimeFailureException exception)
        {
            return (default, exception.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (default, Messages.Unreachable(Endpoint, string.Create(CultureInfo.InvariantCulture, $"timeout {timeout.TotalSeconds} s")));
        }
        catch (DockerApiException exception)
        {
            return (default, Messages.Refused(Endpoint, EngineMessage(exception)));
        }
        catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
        {
            return (default, Messages.Unreachable(Endpoint, Describe(exception)));
        }
    }

    /// <inheritdoc cref="ProbeAsync{T}"/>
    public async Task<string?> ProbeAsync(Func<DockerClient, CancellationToken, Task> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return (await ProbeAsync(Returning(probe), timeout, cancellationToken)).Problem;
    }

    /// <summary>Connects now (<see cref="Planning.IServiceDriver.ConnectAheadAsync"/>); a failure is left for the first real call to report.</summary>
    public async Task ConnectAheadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ClientAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RuntimeFailureException or OperationCanceledException)
        {
            // Met again by the probe, which says it.
        }
    }

    /// <summary>The client, connected on first use; a daemon that cannot be reached or is too old is a <see cref="RuntimeFailureException"/>.</summary>
    public async Task<DockerClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client)
        {
            return client;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            if (_client is null)
            {
                try
                {
                    _client = await DockerEndpoint.ConnectAsync(Endpoint, _apiVersion, cancellationToken);
                }
                catch (DockerApiVersionException exception)
                {
                    throw new RuntimeFailureException(
                        Messages.ApiTooOld(Endpoint, DockerEndpoint.Describe(exception.ServerVersion), DockerEndpoint.Describe(DockerEndpoint.MinimumApiVersion)),
                        exception);
                }
                catch (DockerApiException exception)
                {
                    throw new RuntimeFailureException(Messages.Refused(Endpoint, EngineMessage(exception)), exception);
                }
                catch (Exception exception) when (IsConnectionFailure(exception, cancellationToken))
                {
                    throw new RuntimeFailureException(Messages.Unreachable(Endpoint, Describe(exception)), exception);
                }
            }

            return _client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Calls made to their end whatever the caller's cancellation (<paramref name="calls"/> get a token of their own):
    /// dockerd finishes a create whose client left, leaving a container nobody knows of. Bounded by
    /// <paramref name="limit"/>, beyond which dockerd is out of reach (<paramref name="describe"/>); the caller checks its
    /// own cancellation between and after the calls.
    /// </summary>
    public async Task<T> UninterruptedAsync<T>(Func<CancellationToken, Task<T>> calls, TimeSpan limit, Func<string, string> describe)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(describe);
        using var bounded = new CancellationTokenSource(limit);
        try
        {
            return await calls(bounded.Token);
        }
        catch (OperationCanceledException exception) when (bounded.IsCancellationRequested)
        {
            throw new RuntimeFailureException(
                describe(Messages.Unreachable(Endpoint, string.Create(CultureInfo.InvariantCulture, $"timeout {limit.TotalSeconds} s"))), exception);
        }
    }

    /// <inheritdoc cref="UninterruptedAsync{T}"/>
    public Task UninterruptedAsync(Func<CancellationToken, Task> calls, TimeSpan limit, Func<string, string> describe)
    {
        ArgumentNullException.ThrowIfNull(calls);
        return UninterruptedAsync(
            async ct =>
            {
                await calls(ct);
                return true;
            },
            limit,
            describe);
    }

    /// <summary>Runs one Engine API call; its failure becomes <paramref name="describe"/>(dockerd's words or the connection problem).</summary>
    public async Task<T> CallAsync<T>(
        Func<DockerClient, CancellationToken, Task<T>> call, Func<string, string> describe, CancellationToken cancellationToken) =>
        (await RunAsync(call, describe, missingIsNull: false, nameTaken: null, cancellationToken))!;

    /// <inheritdoc cref="CallAsync{T}"/>
    public Task CallAsync(Func<DockerClient, CancellationToken, Task> call, Func<string, string> describe, CancellationToken cancellationToken) =>
        RunAsync(Returning(call), describe, missingIsNull: false, nameTaken: null, cancellationToken);

    /// <summary>Like <see cref="CallAsync{T}"/>, but a 404 (no such container, image, service...) is null rather than a failure.</summary>
    public Task<T?> CallOrNullAsync<T>(
        Func<DockerClient, CancellationToken, Task<T>> call, Func<string, string> describe, CancellationToken cancellationToken)
        where T : class =>
        RunAsync(call, describe, missingIsNull: true, nameTaken: null, cancellationToken);

    /// <summary>A call that makes something absent (a removal): a 404 means it already is, which is success.</summary>
    public Task CallUnlessMissingAsync(Func<DockerClient, CancellationToken, Task> call, Func<string, string> describe, CancellationToken cancellationToken) =>
        RunAsync(Returning(call), describe, missingIsNull: true, nameTaken: null, cancellationToken);

    /// <summary>A call that creates a named object: a 409 (the name is taken) is <paramref name="nameTaken"/>(dockerd's words).</summary>
    public async Task<T> CreateAsync<T>(
        Func<DockerClient, CancellationToken, Task<T>> call, Func<string, string> describe, Func<string, string> nameTaken, CancellationToken cancellationToken) =>
        (await RunAsync(call, describe, missingIsNull: false, nameTaken, cancellationToken))!;

    private async Task<T?> RunAsync<T>(
        Func<DockerClient, CancellationToken, Task<T>> call,
        Func<string, string> describe,
        bool missingIsNull,
        Func<string, string>? nameTaken,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(describe);
        var client = await ClientAsync(cancellationToken);
        try
        {
            return await call(client, cancellationToken);
        }
        catch (DockerApiException exception) when (missingIsNull && exception.StatusCode == HttpStatusCode.NotFound)
        {
            return default;
        }
        catch (DockerApiException exception) when (nameTaken is not null && exception.StatusCode == HttpStatusCode.Conflict)
        {
            throw new RuntimeFailureException(nameTaken(EngineMessage(exception)), exception);
        }
        catch (Exception exception) when (IsFailure(exception, cancellationToken))
        {
            throw Failure(exception, describe);
        }
    }

    private static Func<DockerClient, CancellationToken, Task<bool>> Returning(Func<DockerClient, CancellationToken, Task> call) =>
        async (client, ct) =>
        {
            await call(client, ct);
            return true;
        };

    /// <summary>Whether <paramref name="exception"/> is a failed Engine API call (refused, or the daemon out of reach), not the caller's cancellation.</summary>
    public static bool IsFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is DockerApiException || IsConnectionFailure(exception, cancellationToken);

    /// <summary>The failure as the administrator reads it: <paramref name="describe"/> of dockerd's words, or of why it is out of reach.</summary>
    public RuntimeFailureException Failure(Exception exception, Func<string, string> describe)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(describe);
        return exception is DockerApiException api
            ? new RuntimeFailureException(describe(EngineMessage(api)), exception)
            : new RuntimeFailureException(describe(Messages.Unreachable(Endpoint, Describe(exception))), exception);
    }

    /// <summary>The daemon could not be reached (or did not answer in time), as opposed to the caller cancelling.</summary>
    public static bool IsConnectionFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or SocketException or IOException or TimeoutException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>dockerd's own words: the <c>message</c> of its JSON error body, else the body.</summary>
    public static string EngineMessage(DockerApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var body = exception.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return exception.StatusCode.ToString();
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.GetString() is { Length: > 0 } text)
            {
                return text;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the raw body is the message.
        }

        return body;
    }

    /// <summary>Every distinct message of the exception chain, outermost first (dockerd's words for its errors).</summary>
    public static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var text = current is DockerApiException api ? EngineMessage(api) : current.Message;
            if (!string.IsNullOrWhiteSpace(text) && !messages.Contains(text))
            {
                messages.Add(text);
            }
        }

        return string.Join(": ", messages);
    }

    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
        _connectLock.Dispose();
    }
}
